import fs from "node:fs";
import path from "node:path";
import { eq, inArray, or, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { attachments, caseEvents, cases, messages } from "../db/schema.js";
import { attachmentsDir, recordChange } from "../cases/index.js";
import { rewardClaimPhotos, rewardClaims } from "../rewards/tables.js";
import { legalHolds, retentionTombstones } from "./tables.js";
import type { DueItem } from "./due.js";

const day = (d: Date) => d.toISOString().slice(0, 10);

export interface PurgeOutcome {
  purged: boolean;
  files: string[];
}

/**
 * Destroy a whole case by crypto-shredding: the sealed copies of its key (case_grants) go with the
 * case row, and so does everything encrypted under that key (sections, messages, attachments'
 * file keys, blind indexes, channel contacts, the outbox, the applicant's sessions): ON DELETE
 * CASCADE, in one transaction. Cases merged into it go with it. What stays is a tombstone of
 * non-identifying facts by day, and the audit row (ids and the rule only); the audit chain is
 * untouched. The encrypted attachment files are removed after the commit (`files`): a crash in
 * between leaves files whose keys no longer exist, and the next run sweeps them.
 *
 * Re-checked inside the transaction, so a hold placed after the dry run wins.
 */
export async function purgeCase(ctx: AppContext, item: DueItem, actorId: string | null): Promise<PurgeOutcome> {
  return ctx.db.transaction(async (tx) => {
    const due = await lockStillDue(tx, item);
    if (!due) return { purged: false, files: [] };
    const { c, ids } = due;
    const files = [
      ...(await tx.select({ id: attachments.id }).from(attachments).where(inArray(attachments.caseId, ids))).map((a) => a.id),
      // A reward claim's inspection photos lie in the same directory; their rows go with the case (cascade).
      ...(await tx.select({ id: rewardClaimPhotos.id }).from(rewardClaimPhotos).innerJoin(rewardClaims, eq(rewardClaims.id, rewardClaimPhotos.claimId)).where(inArray(rewardClaims.caseId, ids))).map((p) => p.id),
    ];
    const history = await tx.select({ state: caseEvents.toState, at: caseEvents.at }).from(caseEvents).where(eq(caseEvents.caseId, c.id)).orderBy(caseEvents.at);
    await tx.insert(retentionTombstones).values({
      caseId: c.id,
      rule: item.rule,
      channel: c.channel,
      teamId: c.teamId,
      finalState: c.state,
      openedOn: day(c.createdAt),
      states: history.filter((h) => h.state).map((h) => ({ state: h.state!, on: day(h.at) })),
      purgedOn: day(ctx.now()),
    });
    await recordChange(ctx, tx, { actorId, action: "retention.case_purged", caseId: c.id, details: { rule: item.rule, merged: ids.length - 1, files: files.length }, notify: "case.updated" });
    await tx.delete(cases).where(inArray(cases.id, ids));
    return { purged: true, files };
  });
}

/**
 * A closed case's conversation: the messages, their attachments and whatever the channels kept
 * about them. The case, its sections (the registration record among them) and its key remain.
 */
export async function purgeMessages(ctx: AppContext, item: DueItem, actorId: string | null): Promise<PurgeOutcome & { messages: number }> {
  return ctx.db.transaction(async (tx) => {
    const due = await lockStillDue(tx, item);
    if (!due) return { purged: false, files: [], messages: 0 };
    const { c, ids } = due;
    const files = (await tx.delete(attachments).where(inArray(attachments.caseId, ids)).returning({ id: attachments.id })).map((a) => a.id);
    const gone = await tx.delete(messages).where(inArray(messages.caseId, ids)).returning({ id: messages.id });
    await tx.execute(sql`UPDATE cases SET unread_count = 0 WHERE id IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`);
    await recordChange(ctx, tx, { actorId, action: "retention.messages_purged", caseId: c.id, details: { rule: item.rule, messages: gone.length, files: files.length }, notify: "case.updated", event: { kind: "retention.messages_purged" } });
    return { purged: true, files, messages: gone.length };
  });
}

/**
 * Lock the case and check, inside the purge's transaction, that it is still what the dry run saw
 * (same state, no hold placed since); then the ids it takes along: itself and the cases merged
 * into it.
 */
async function lockStillDue(tx: Tx, item: DueItem) {
  const [c] = await tx.select().from(cases).where(eq(cases.id, item.caseId)).for("update");
  if (!c || c.state !== item.state) return null;
  const [held] = await tx.select({ id: legalHolds.caseId }).from(legalHolds).where(eq(legalHolds.caseId, c.id));
  if (held) return null;
  const family = await tx.select({ id: cases.id }).from(cases).where(or(eq(cases.id, c.id), eq(cases.mergedInto, c.id)));
  return { c, ids: family.map((f) => f.id) };
}

/** Remove encrypted attachment files whose rows are gone. Returns how many were removed. */
export function removeFiles(ctx: AppContext, ids: string[]): number {
  let n = 0;
  for (const id of ids) {
    try {
      fs.rmSync(path.join(attachmentsDir(ctx), id));
      n++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") ctx.log.warn({ err, event: "retention_file_not_removed" }, "attachment file not removed; the next run tries again");
    }
  }
  return n;
}

/** Files left behind by a crash between a purge's commit and its file removal: on disk, in no row. */
export async function sweepOrphanFiles(ctx: AppContext): Promise<number> {
  const dir = attachmentsDir(ctx);
  if (!fs.existsSync(dir)) return 0;
  const names = fs.readdirSync(dir).filter((n) => /^[0-9a-f-]{36}$/.test(n));
  if (!names.length) return 0;
  const known = new Set([
    ...(await ctx.db.select({ id: attachments.id }).from(attachments).where(inArray(attachments.id, names))).map((r) => r.id),
    // Claim photos share the directory: a sweep that knew only attachments would delete them.
    ...(await ctx.db.select({ id: rewardClaimPhotos.id }).from(rewardClaimPhotos).where(inArray(rewardClaimPhotos.id, names))).map((r) => r.id),
  ]);
  // A file written a moment ago may belong to a row not yet committed: leave young files alone.
  const old = names.filter((n) => !known.has(n) && Date.now() - fs.statSync(path.join(dir, n)).mtimeMs > 3_600_000);
  return removeFiles(ctx, old);
}
