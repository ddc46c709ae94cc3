import { asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import { chainMac, walkChain, type ChainAnchor } from "../audit/chain.js";
import { auditAnchorFile, readAuditAnchor, writeChainAnchor } from "../audit/anchor.js";
import type { LedgerKind } from "../../shared/rewards.js";
import { rewardLedger, rewardLedgerHead } from "./tables.js";

/**
 * The reward ledger: every approval, payment, reversal and correction as one append-only row,
 * chained by the keyed MAC of audit/chain.ts under the server key's "ledger" sub-key and anchored
 * outside the database like the audit log (rewards-ledger-anchor.json beside the key file).
 */
export interface LedgerEntry {
  claimId: string;
  kind: LedgerKind;
  amountCents: number;
  currency: string;
  actorId: string | null;
  method?: string | null;
  reference?: string | null;
  payee?: Buffer | null;
  note?: Buffer | null;
}

type Row = typeof rewardLedger.$inferSelect;
const hex = (b: Buffer | null | undefined) => (b ? b.toString("hex") : null);

function entryMac(key: Buffer, r: Omit<Row, "hash">): Buffer {
  return chainMac(key, [r.seq, new Date(r.at).toISOString(), r.claimId, r.kind, r.amountCents, r.currency, r.actorId, r.method, r.reference, hex(r.payee), hex(r.note)], r.prevHash);
}

/** Append one entry inside the caller's transaction; the head row is locked, so the chain stays linear. */
export async function appendLedger(tx: Tx, key: Buffer, e: LedgerEntry, now: Date): Promise<number> {
  const [head] = await tx.select().from(rewardLedgerHead).where(eq(rewardLedgerHead.id, 1)).for("update");
  if (!head) throw new Error("reward ledger head row missing: migrations not applied");
  const row = { seq: head.seq + 1, at: now.toISOString(), claimId: e.claimId, kind: e.kind, amountCents: e.amountCents, currency: e.currency, actorId: e.actorId, method: e.method ?? null, reference: e.reference ?? null, payee: e.payee ?? null, note: e.note ?? null, prevHash: head.hash };
  const hash = entryMac(key, row);
  await tx.insert(rewardLedger).values({ ...row, hash });
  await tx.update(rewardLedgerHead).set({ seq: row.seq, hash }).where(eq(rewardLedgerHead.id, 1));
  return row.seq;
}

const readHead = (db: Tx) => async () => (await db.select().from(rewardLedgerHead).where(eq(rewardLedgerHead.id, 1)))[0];

export function verifyLedger(db: Tx, key: Buffer, anchor: ChainAnchor | null = null, batch = 2000) {
  return walkChain<Row>({ page: (after, limit) => db.select().from(rewardLedger).where(gt(rewardLedger.seq, after)).orderBy(asc(rewardLedger.seq)).limit(limit), expected: (r) => entryMac(key, r), head: readHead(db) }, batch, anchor);
}

export const ledgerAnchorFile = (keyFile: string) => auditAnchorFile(keyFile, "rewards-ledger");
export const readLedgerAnchor = (file: string, key: Buffer) => readAuditAnchor(file, key, "rewards-ledger");
export const writeLedgerAnchor = (db: Tx, key: Buffer, file: string, now: Date) => writeChainAnchor(readHead(db), key, file, now, "rewards-ledger");

/** A claim's money, summed from its entries: approved (approvals and corrections) and paid (payments less reversals). */
export interface ClaimMoney {
  approvedCents: number;
  paidCents: number;
}

export async function moneyOf(db: Tx, claimIds: string[]): Promise<Map<string, ClaimMoney>> {
  const out = new Map<string, ClaimMoney>();
  if (!claimIds.length) return out;
  const rows = await db
    .select({
      claimId: rewardLedger.claimId,
      approved: sql<string>`coalesce(sum(case when ${rewardLedger.kind} in ('approval', 'correction') then ${rewardLedger.amountCents} else 0 end), 0)`,
      paid: sql<string>`coalesce(sum(case ${rewardLedger.kind} when 'payment' then ${rewardLedger.amountCents} when 'reversal' then -${rewardLedger.amountCents} else 0 end), 0)`,
    })
    .from(rewardLedger)
    .where(inArray(rewardLedger.claimId, claimIds))
    .groupBy(rewardLedger.claimId);
  for (const r of rows) out.set(r.claimId, { approvedCents: Number(r.approved), paidCents: Number(r.paid) });
  return out;
}

export const moneyOfOne = async (db: Tx, claimId: string): Promise<ClaimMoney> => (await moneyOf(db, [claimId])).get(claimId) ?? { approvedCents: 0, paidCents: 0 };

export const ledgerOf = (db: Tx, claimId: string) => db.select().from(rewardLedger).where(eq(rewardLedger.claimId, claimId)).orderBy(asc(rewardLedger.seq));
