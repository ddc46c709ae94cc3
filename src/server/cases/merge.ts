import { rowsOf } from "../db/index.js";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import { caseGrants, cases } from "../db/schema.js";
import type { ServerKeys } from "../crypto/server-key.js";
import { trustedStaffKeys, trustedTeamKeys } from "../keys/pinned.js";
import { sealCaseKey } from "../crypto/case-keys.js";
import { wipe } from "../crypto/secure.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { STATE_PROGRESS, type CaseState } from "../../shared/case-states.js";
import { openCaseKeyFor, withCaseKey } from "./access.js";
import { recordChange } from "./change.js";
import { moveCase } from "./transitions.js";

/**
 * The case a case now lives in: itself, or, if it was merged, the case it was merged into
 * (following a chain of merges). Channels look a person up by blind index and may land on a
 * merged case: they write to `resolveMerged(db, id)` instead.
 */
export async function resolveMerged(db: Pick<Db, "select">, caseId: string): Promise<string> {
  let id = caseId;
  for (let hops = 0; hops < 32; hops++) {
    const [row] = await db.select({ mergedInto: cases.mergedInto }).from(cases).where(eq(cases.id, id));
    if (!row?.mergedInto) return id;
    id = row.mergedInto;
  }
  throw new Error("merge chain too long");
}

/** Every case merged into this one, directly or through another merged case, oldest merge first. */
export async function mergedSources(db: Pick<Db, "execute">, targetId: string): Promise<{ id: string; number: number }[]> {
  const rows = await rowsOf<{ id: string; number: number | string }>(db, sql`
    WITH RECURSIVE src(id, number, depth) AS (
      SELECT id, number, 1 FROM cases WHERE merged_into = ${targetId}
      UNION ALL
      SELECT c.id, c.number, s.depth + 1 FROM cases c JOIN src s ON c.merged_into = s.id WHERE s.depth < 32
    ) SELECT id, number FROM src ORDER BY number`);
  return rows.map((x) => ({ id: x.id, number: Number(x.number) }));
}

type Recipient = { type: "team" | "staff"; id: string; publicKey: Buffer; keyVersion: number };

/** Who reads a case through a team or a personal grant, with the public keys to seal to. */
async function staffRecipients(tx: Pick<Db, "select">, keys: ServerKeys, caseId: string): Promise<Recipient[]> {
  const grants = await tx.select({ type: caseGrants.recipientType, id: caseGrants.recipientId }).from(caseGrants).where(and(eq(caseGrants.caseId, caseId), inArray(caseGrants.recipientType, ["team", "staff"])));
  const teamIds = grants.filter((g) => g.type === "team").map((g) => g.id);
  const staffIds = grants.filter((g) => g.type === "staff").map((g) => g.id);
  const out: Recipient[] = [];
  for (const t of await trustedTeamKeys(tx, keys, teamIds)) out.push({ type: "team", ...t });
  for (const s of await trustedStaffKeys(tx, keys, staffIds)) out.push({ type: "staff", id: s.userId, publicKey: s.publicKey, keyVersion: 1 });
  return out;
}

/** Seal a case key to recipients that do not hold it yet (granting is sealing, never re-encrypting). */
export async function sealToRecipients(tx: Tx, caseId: string, caseKey: Buffer, recipients: { type: "team" | "staff"; id: string; publicKey: Buffer; keyVersion: number }[]) {
  for (const r of recipients) {
    await tx.insert(caseGrants).values({ caseId, recipientType: r.type, recipientId: r.id, keyVersion: r.keyVersion, sealedKey: sealCaseKey(caseKey, r.publicKey) }).onConflictDoNothing();
  }
}

/**
 * When a case gains a reader (a team or a person), the cases merged into it must open for him
 * too: their keys are sealed to the same recipients with the key of the staff member doing it.
 * A merged case he cannot open himself is skipped (and said so in the count).
 */
export async function extendGrantsToMergedSources(ctx: AppContext, tx: Tx, session: StaffSession, targetId: string, recipients: Recipient[]) {
  let skipped = 0;
  for (const src of await mergedSources(tx, targetId)) {
    const key = await openCaseKeyFor(tx, src.id, { id: session.user.id, privateKey: session.privateKey });
    if (!key) {
      skipped++;
      continue;
    }
    try {
      await sealToRecipients(tx, src.id, key, recipients);
    } finally {
      wipe(key);
    }
  }
  return skipped;
}

/**
 * Merge a duplicate (`sourceId`) into the case that goes on (`targetId`). Both histories stay:
 * the source keeps its messages and events under its own key, and that key is sealed to every
 * team and person who reads the target, so the target's view shows both threads. The source's
 * blind indexes are copied to the target (search and duplicate hints find the target), and the
 * source becomes `merged`, pointing at the target. Needs both case keys, so the user must be
 * able to open both cases.
 *
 * What a merge never does: give the source's applicant anything of the target. A duplicate is
 * suggested from typed values nobody verified (a fake applicant can type his victim's name and
 * phone), so the target's key is not sealed to the source applicant's key, and the source's
 * receipt code and messenger contacts are not routed to the target: his code still opens only
 * his own old thread (web and bot), and replies on the target go only to the contacts verified
 * on the target (channels/outbox). Messages he sends still reach the hotline, in the target.
 */
export async function mergeCase(ctx: AppContext, session: StaffSession, sourceId: string, targetId: string, reason: string) {
  authorize(session.user, "case", "merge");
  if (sourceId === targetId) throw new AppError("conflict", "a case cannot be merged into itself");
  return withCaseKey(ctx, session, sourceId, (sourceKey, source) =>
    withCaseKey(ctx, session, targetId, async (targetKey, target) => {
      if (source.state === "merged" || target.state === "merged") throw new AppError("conflict", "one of these cases is already merged");
      const intoSource = await mergedSources(ctx.db, sourceId);
      if (intoSource.some((s) => s.id === targetId)) throw new AppError("conflict", "the target was merged into this case; merge the other way");
      const now = ctx.now();
      await ctx.db.transaction(async (tx) => {
        // Both moves go through the one transition command: the source becomes `merged`, and the
        // target keeps the more advanced state of the two (a duplicate that got further carries it).
        await moveCase(ctx, tx, { caseId: sourceId, row: source, to: "merged", actorId: session.user.id, caseKey: sourceKey, reason, via: "merge", eventKind: "merged_into" });
        const locked = await tx
          .update(cases)
          .set({ mergedInto: targetId, teamId: target.teamId, assignedUserId: null, unreadCount: 0, updatedAt: now })
          .where(eq(cases.id, sourceId))
          .returning({ id: cases.id });
        if (locked.length === 0) throw new AppError("conflict", "the case changed meanwhile; reload it");
        const moved = await tx
          .update(cases)
          .set({
            unreadCount: sql`${cases.unreadCount} + ${source.unreadCount}`,
            lastInboundAt: sql`GREATEST(${cases.lastInboundAt}, ${source.lastInboundAt?.toISOString() ?? null}::timestamptz)`,
            updatedAt: now,
          })
          .where(and(eq(cases.id, targetId), ne(cases.state, "merged")))
          .returning({ id: cases.id });
        if (moved.length === 0) throw new AppError("conflict", "the case changed meanwhile; reload it");
        const kept = STATE_PROGRESS[source.state as CaseState] > STATE_PROGRESS[target.state as CaseState] ? (source.state as CaseState) : null;
        if (kept) await moveCase(ctx, tx, { caseId: targetId, row: target, to: kept, actorId: session.user.id, caseKey: targetKey, reason, via: "merge", eventKind: "merged_from" });

        const readers = await staffRecipients(tx, ctx.keys, targetId);
        await sealToRecipients(tx, sourceId, sourceKey, readers);
        // Cases merged into the source earlier follow it.
        await extendGrantsToMergedSources(ctx, tx, session, sourceId, readers);
        await tx.execute(sql`INSERT INTO blind_indexes (case_id, kind, value) SELECT ${targetId}::uuid, kind, value FROM blind_indexes WHERE case_id = ${sourceId}::uuid ON CONFLICT DO NOTHING`);
        await recordChange(ctx, tx, {
          actorId: session.user.id,
          action: "case.merged",
          caseId: targetId,
          details: { source: sourceId, target: targetId },
          notify: "case.merged",
          ...(kept ? {} : { event: { kind: "merged_from", fromState: target.state, toState: target.state, reason, caseKey: targetKey } }),
        });
      });
      return { source: sourceId, target: targetId };
    }),
  );
}
