import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { cases } from "../db/schema.js";
import { allow, authorize, type Action } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { canTransition, moveGrant, type CaseState, type MoveGrant } from "../../shared/case-states.js";
import { findVisibleCase, withCaseKey } from "./access.js";
import { recordChange } from "./change.js";

// Every stage grant of the declared table is an action of the policy's `case` resource.
const _grantsArePolicyActions = null as unknown as MoveGrant satisfies Action<"case">;
void _grantsArePolicyActions;

type CaseRow = typeof cases.$inferSelect;

/** What a guard or an effect sees: the move, inside the transaction that makes it. */
export interface MoveContext {
  ctx: AppContext;
  tx: Tx;
  caseId: string;
  row: CaseRow;
  from: CaseState;
  to: CaseState;
  actorId: string | null;
  /** Open while the move runs (null for a move made without it); wiped afterwards. */
  caseKey: Buffer | null;
}
/** A check that must hold for a move: returns why it does not (shown to staff), or null. */
export type Guard = (m: MoveContext) => Promise<string | null>;
export type Effect = (m: MoveContext) => Promise<void>;

const guards: { from: CaseState | "*"; to: CaseState; name: string; check: Guard }[] = [];
const effects: { to: CaseState; name: string; run: Effect }[] = [];

/**
 * Register a guard on moves into `to` (from one state, or from any with "*"): the capability that
 * owns the rule registers it (verification: "two distinct verifiers agreed"), so the table of
 * moves stays one declared list. Returns a function that takes it off again.
 */
export function registerGuard(move: { from?: CaseState | "*"; to: CaseState }, name: string, check: Guard): () => void {
  const g = { from: move.from ?? "*", to: move.to, name, check };
  guards.push(g);
  return () => void guards.splice(guards.indexOf(g), 1);
}

/** Register an on-enter effect of a state (e.g. purge the rendezvous); it runs in the move's transaction. */
export function registerEffect(to: CaseState, name: string, run: Effect): () => void {
  const e = { to, name, run };
  effects.push(e);
  return () => void effects.splice(effects.indexOf(e), 1);
}

export interface Move {
  caseId: string;
  row: CaseRow;
  to: CaseState;
  actorId: string | null;
  caseKey: Buffer | null;
  reason?: string | null;
  /**
   * Why the case moves: a staff member's command; a first reply (new → in_contact); a merge
   * (the target keeps the more advanced state, the source becomes `merged`). A merge is not a
   * move of the table: its states were reached, guards included, on the other case.
   */
  via?: "command" | "reply" | "merge";
  /** The kind of the history event (a merge names its own). */
  eventKind?: string;
}

/**
 * The one place a case changes state, inside the caller's transaction: the table (unless a
 * merge), the guards, the update (refused if the case moved meanwhile), the on-enter effects,
 * and the change record (audit, timeline, live update). Everything rolls back together.
 */
export async function moveCase(ctx: AppContext, tx: Tx, move: Move): Promise<{ from: CaseState; to: CaseState }> {
  const from = move.row.state as CaseState;
  const via = move.via ?? "command";
  const m: MoveContext = { ctx, tx, caseId: move.caseId, row: move.row, from, to: move.to, actorId: move.actorId, caseKey: move.caseKey };
  if (via !== "merge") {
    if (!canTransition(from, move.to)) throw new AppError("conflict", `a case cannot go from ${from} to ${move.to}`);
    for (const g of guards.filter((g) => g.to === move.to && (g.from === "*" || g.from === from))) {
      const refusal = await g.check(m);
      if (refusal) throw new AppError("conflict", refusal, { guard: g.name });
    }
  }
  const moved = await tx
    .update(cases)
    .set({ state: move.to, updatedAt: ctx.now() })
    .where(and(eq(cases.id, move.caseId), eq(cases.state, from)))
    .returning({ id: cases.id });
  if (moved.length === 0) throw new AppError("conflict", "the case changed meanwhile; reload it");
  for (const e of effects.filter((e) => e.to === move.to)) await e.run(m);
  await recordChange(ctx, tx, {
    actorId: move.actorId,
    action: "case.transitioned",
    caseId: move.caseId,
    details: via === "command" ? { from, to: move.to } : { from, to: move.to, via },
    notify: "case.updated",
    event: { kind: move.eventKind ?? "transition", fromState: from, toState: move.to, reason: move.reason ?? null, ...(move.caseKey ? { caseKey: move.caseKey } : {}) },
  });
  return { from, to: move.to };
}

/**
 * A staff member moves a case, with a reason (encrypted: it may name the applicant). The move
 * must be in the declared table, and his role must hold both `case.transition` and the move's
 * stage grant (a verifier decides verified or rejected; an operator cannot) on this very case.
 */
export async function transitionCase(ctx: AppContext, session: StaffSession, caseId: string, to: CaseState, reason: string) {
  authorize(session.user, "case", "transition");
  return withCaseKey(ctx, session, caseId, (caseKey) => ctx.db.transaction((tx) => transitionCaseIn(ctx, tx, session, { caseId, caseKey }, to, reason)), { resource: "case", action: "transition" });
}

/**
 * The same staff move inside the caller's transaction, with the case key he has opened: for a
 * capability that moves several cases and changes its own rows all or nothing (closing an
 * operation). The row is read inside the transaction, so a second move of one case starts from
 * where the first left it.
 */
export async function transitionCaseIn(ctx: AppContext, tx: Tx, session: StaffSession, open: { caseId: string; caseKey: Buffer }, to: CaseState, reason: string) {
  authorize(session.user, "case", "transition");
  const { caseId, caseKey } = open;
  const row = await findVisibleCase(tx, session.user, caseId, { resource: "case", action: "transition" });
  const from = row.state as CaseState;
  const grant = moveGrant(from, to);
  if (!grant) throw new AppError("conflict", `a case cannot go from ${from} to ${to}`);
  if (!allow(session.user.role, "case", grant)) throw new AppError("forbidden", `not allowed: case.${grant} (${from} → ${to})`);
  await findVisibleCase(tx, session.user, caseId, { resource: "case", action: grant });
  return moveCase(ctx, tx, { caseId, row, to, actorId: session.user.id, caseKey, reason, via: "command" });
}
