import { asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { auditHead, auditLog } from "../db/schema.js";
import { canonicalJson, chainMac, describeAnchorCoverage, describeChainProblem, walkChain, type ChainAnchor, type ChainProblem, type ChainVerification } from "./chain.js";

/** What an audit row may carry: ids and event names, never applicant data (SECURITY.md). */
export interface AuditEvent {
  actorId: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** Anything that can run queries: the database or an open transaction. */
export type Tx = Pick<Db, "select" | "insert" | "update" | "delete" | "execute">;

/** The audit head as kept outside the database (audit/anchor.ts writes and checks it). */
export type AuditAnchor = ChainAnchor;

/**
 * Append one event, chained to the previous one by a keyed MAC. Call it inside the transaction
 * that makes the change, so the event and the change commit (or fail) together. The head row is
 * locked, which keeps the chain linear when several requests write at once.
 */
export async function appendAudit(tx: Tx, key: Buffer, event: AuditEvent): Promise<number> {
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for("update");
  if (!head) throw new Error("audit head row missing: migrations not applied");
  const row = {
    seq: head.seq + 1,
    at: new Date().toISOString(),
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    details: event.details ?? {},
    prevHash: head.hash,
  };
  const hash = chainHash(key, row);
  // The row and the new head in one statement (a data-modifying WITH): one round trip fewer for
  // every audited action, which on the embedded store is a hop to its thread.
  const write = tx.insert(auditLog).values({ ...row, hash });
  const move = tx.update(auditHead).set({ seq: row.seq, hash }).where(eq(auditHead.id, 1));
  await tx.execute(sql`WITH written AS (${write.getSQL()}) ${move.getSQL()}`);
  return row.seq;
}

function chainHash(key: Buffer, r: Omit<typeof auditLog.$inferSelect, "hash" | "at"> & { at: string | Date }): Buffer {
  return chainMac(key, [r.seq, new Date(r.at).toISOString(), r.actorId, r.action, r.subjectType, r.subjectId, canonicalJson(r.details)], r.prevHash);
}

export type AuditProblem = ChainProblem;
export type AuditVerification = ChainVerification;
export { describeAnchorCoverage, describeChainProblem as describeAuditProblem };

/**
 * Walk the audit chain from the start and report the first row that does not fit. With an anchor
 * (a head kept outside the database, audit/anchor.ts) rows deleted from the end are found too.
 */
export function verifyAuditChain(db: Tx, key: Buffer, batch = 2000, anchor: AuditAnchor | null = null): Promise<AuditVerification> {
  return walkChain(
    {
      page: (after, limit) => db.select().from(auditLog).where(gt(auditLog.seq, after)).orderBy(asc(auditLog.seq)).limit(limit),
      expected: (r) => chainHash(key, r),
      head: async () => (await db.select().from(auditHead).where(eq(auditHead.id, 1)))[0],
    },
    batch,
    anchor,
  );
}
