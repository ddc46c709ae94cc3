import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { caseEvents, cases, messages } from "../db/schema.js";
import { moveCase, recordChange, registerEffect, registerGuard } from "../cases/index.js";
import type { Decision, ReasonCode } from "../../shared/verification.js";
import { readSettings } from "./settings.js";
import { verificationCases } from "./tables.js";
import { addToWatchlist } from "./watchlist.js";
import { rememberVerifiedIdentities } from "./recheck.js";

/**
 * Transactions in which the verification command itself applies a verdict. A move into
 * `verified` or `rejected` made any other way (the plain transition route, a script) finds its
 * transaction missing here and is refused: the verdict is the two reviews', not one person's.
 */
const verdictTx = new WeakSet<object>();

const VERDICT_ONLY = "a verdict is given through verification: two reviews by two different verifiers";
registerGuard({ to: "verified" }, "verification: two reviews", async (m) => (verdictTx.has(m.tx) ? null : VERDICT_ONLY));
registerGuard({ to: "rejected" }, "verification: two reviews", async (m) => (verdictTx.has(m.tx) ? null : VERDICT_ONLY));

/**
 * Entering `verifying` opens a round: the case joins the verification queue with its own due
 * time, and whoever handed it over or was its assignee is remembered as its operator.
 */
registerEffect("verifying", "verification: open a round", async (m) => {
  const { slaHours } = await readSettings(m.tx);
  const now = m.ctx.now();
  // Who hands a preliminary surrender over took the request; a verifier who reopens a verdict for a re-check did not.
  const operators = m.row.state === "preliminary" ? [m.actorId, m.row.assignedUserId].filter((x): x is string => !!x) : [];
  const fresh = { stage: "first" as const, enteredAt: now, dueAt: new Date(now.getTime() + slaHours * 3_600_000), outcome: null, reasonCode: null, decidedAt: null, decidedBy: null, supervisorReason: null };
  const [existing] = await m.tx.select().from(verificationCases).where(eq(verificationCases.caseId, m.caseId));
  if (!existing) await m.tx.insert(verificationCases).values({ caseId: m.caseId, round: 1, operatorIds: operators, ...fresh });
  else await m.tx.update(verificationCases).set({ ...fresh, round: existing.round + 1, operatorIds: [...new Set([...existing.operatorIds, ...operators])] }).where(eq(verificationCases.caseId, m.caseId));
});

export type VerificationRow = typeof verificationCases.$inferSelect;

/** The case's verification, locked for the rest of the transaction (two reviews at once are serialised). */
export async function lockVerification(tx: Tx, caseId: string): Promise<VerificationRow | null> {
  const [v] = await tx.select().from(verificationCases).where(eq(verificationCases.caseId, caseId)).for("update");
  return v ?? null;
}

/**
 * Did this person take the request as its operator: named at hand-over, answered the applicant,
 * or moved the case through intake? He may not review what he himself brought in.
 */
export async function tookAsOperator(tx: Pick<Tx, "select">, caseId: string, v: VerificationRow, userId: string): Promise<boolean> {
  if (v.operatorIds.includes(userId)) return true;
  const [reply] = await tx.select({ id: messages.id }).from(messages).where(and(eq(messages.caseId, caseId), eq(messages.direction, "out"), eq(messages.authorUserId, userId))).limit(1);
  if (reply) return true;
  const [triage] = await tx
    .select({ id: caseEvents.id })
    .from(caseEvents)
    // Into verifying from a preliminary surrender is the hand-over; from a verdict it is a re-check, opened by a verifier who may review.
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.actorId, userId), isNotNull(caseEvents.toState), or(inArray(caseEvents.toState, ["in_contact", "preliminary"]), and(eq(caseEvents.toState, "verifying"), eq(caseEvents.fromState, "preliminary")))))
    .limit(1);
  return !!triage;
}

/**
 * Apply a verdict: recorded on the verification, then the case moves (through the case core,
 * guards and effects included), a provocation's identifiers go to the watchlist. One transaction.
 */
export async function applyVerdict(ctx: AppContext, tx: Tx, input: { caseId: string; decision: Decision; reasonCode: ReasonCode; actorId: string; caseKey: Buffer | null }) {
  await tx.update(verificationCases).set({ stage: "decided", outcome: input.decision, reasonCode: input.reasonCode, decidedAt: ctx.now(), decidedBy: input.actorId }).where(eq(verificationCases.caseId, input.caseId));
  const [row] = await tx.select().from(cases).where(eq(cases.id, input.caseId));
  verdictTx.add(tx);
  try {
    await moveCase(ctx, tx, { caseId: input.caseId, row: row!, to: input.decision, actorId: input.actorId, caseKey: input.caseKey, via: "command", eventKind: "verification_verdict" });
  } finally {
    verdictTx.delete(tx);
  }
  if (input.decision === "verified") await rememberVerifiedIdentities(tx, input.caseId);
  if (input.decision === "rejected" && input.reasonCode === "provocation") await addToWatchlist(ctx, tx, input.caseId);
}

/** A stage change of the verification, on the record (ids and codes only). */
export async function recordStage(ctx: AppContext, tx: Tx, caseId: string, actorId: string, action: string, details: Record<string, string | number | boolean | null>) {
  await recordChange(ctx, tx, { actorId, action, caseId, details, notify: "case.updated", event: { kind: action.replace(".", "_") } });
}
