import { asc, eq, gt } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { auditHead, auditLog } from "../db/schema.js";
import { mac } from "../crypto/server-key.js";

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
export interface AuditAnchor {
  seq: number;
  hash: string;
  at: string;
}

const ZERO = Buffer.alloc(32);

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
  await tx.insert(auditLog).values({ ...row, hash });
  await tx.update(auditHead).set({ seq: row.seq, hash }).where(eq(auditHead.id, 1));
  return row.seq;
}

interface ChainedFields {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
  prevHash: Buffer;
}

function chainHash(key: Buffer, r: ChainedFields): Buffer {
  const canonical = JSON.stringify([
    r.seq,
    new Date(r.at).toISOString(),
    r.actorId,
    r.action,
    r.subjectType,
    r.subjectId,
    canonicalJson(r.details),
    r.prevHash.toString("hex"),
  ]);
  return mac(key, Buffer.from(canonical, "utf8"));
}

/** jsonb does not keep key order, so the MAC covers a sorted rendering. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export type AuditProblem =
  | { kind: "edited"; seq: number }
  | { kind: "inserted"; seq: number }
  | { kind: "deleted"; afterSeq: number; missing: string }
  | { kind: "head-mismatch"; headSeq: number; lastSeq: number }
  | { kind: "behind-anchor"; anchorSeq: number; anchorAt: string; lastSeq: number }
  | { kind: "anchor-mismatch"; anchorSeq: number; anchorAt: string };

export interface AuditVerification {
  rows: number;
  problem: AuditProblem | null;
  /** The anchored row that proves the chain this far back (null: no anchor; the head is the database's word only). */
  anchoredSeq?: number | null;
  anchoredAt?: string | null;
}

/**
 * Walk the chain from the start and report the first row that does not fit. With an anchor (a
 * head kept outside the database, audit/anchor.ts) rows deleted from the end are found too.
 */
export async function verifyAuditChain(db: Tx, key: Buffer, batch = 2000, anchor: AuditAnchor | null = null): Promise<AuditVerification> {
  let prev: { seq: number; hash: Buffer } = { seq: 0, hash: ZERO };
  let rows = 0;
  let anchoredHash: Buffer | null = null;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.seq, prev.seq)).orderBy(asc(auditLog.seq)).limit(batch);
    for (const r of page) {
      rows++;
      if (r.seq !== prev.seq + 1) {
        return { rows, problem: { kind: "deleted", afterSeq: prev.seq, missing: `${prev.seq + 1}..${r.seq - 1}` } };
      }
      if (!r.prevHash.equals(prev.hash)) return { rows, problem: { kind: "inserted", seq: r.seq } };
      const expected = chainHash(key, { ...r, details: r.details as Record<string, unknown> });
      if (!expected.equals(r.hash)) return { rows, problem: { kind: "edited", seq: r.seq } };
      prev = { seq: r.seq, hash: r.hash };
      if (anchor && r.seq === anchor.seq) anchoredHash = r.hash;
    }
    if (page.length < batch) break;
  }
  if (anchor) {
    if (prev.seq < anchor.seq) return { rows, problem: { kind: "behind-anchor", anchorSeq: anchor.seq, anchorAt: anchor.at, lastSeq: prev.seq } };
    if (!anchoredHash || anchoredHash.toString("hex") !== anchor.hash) return { rows, problem: { kind: "anchor-mismatch", anchorSeq: anchor.seq, anchorAt: anchor.at } };
  }
  const anchored = { anchoredSeq: anchor?.seq ?? null, anchoredAt: anchor?.at ?? null };
  const [head] = await db.select().from(auditHead).where(eq(auditHead.id, 1));
  if (!head || head.seq !== prev.seq || !head.hash.equals(prev.hash)) {
    return { rows, problem: { kind: "head-mismatch", headSeq: head?.seq ?? -1, lastSeq: prev.seq }, ...anchored };
  }
  return { rows, problem: null, ...(anchor ? anchored : {}) };
}

/** What `audit verify` says the anchor proves. */
export function describeAnchorCoverage(v: AuditVerification): string {
  if (!v.anchoredSeq) return "no audit anchor yet: rows deleted from the end would show only if the database head was left alone";
  const tail = v.rows > v.anchoredSeq ? `; rows ${v.anchoredSeq + 1}..${v.rows} rest on the database head only until the next anchor` : "";
  return `the anchor written ${v.anchoredAt} proves rows 1..${v.anchoredSeq}${tail}`;
}

export function describeAuditProblem(p: AuditProblem): string {
  switch (p.kind) {
    case "edited":
      return `row ${p.seq} was edited (its MAC does not match its contents)`;
    case "inserted":
      return `row ${p.seq} does not chain to the row before it: a row was inserted or replaced there`;
    case "deleted":
      return `rows ${p.missing} after row ${p.afterSeq} were deleted`;
    case "head-mismatch":
      return `the chain ends at row ${p.lastSeq} but its head says ${p.headSeq}: rows were deleted from the end`;
    case "behind-anchor":
      return `the chain ends at row ${p.lastSeq}, but the anchor written ${p.anchorAt} outside the database proves it reached row ${p.anchorSeq}: rows ${p.lastSeq + 1}..${p.anchorSeq} were deleted (and the head rewound)`;
    case "anchor-mismatch":
      return `row ${p.anchorSeq} is not the row the anchor written ${p.anchorAt} recorded: the log was rewritten up to there`;
  }
}

