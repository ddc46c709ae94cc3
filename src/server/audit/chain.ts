import { mac } from "../crypto/server-key.js";

/**
 * A keyed hash chain over the rows of an append-only table: the audit log and the reward ledger
 * both use it. Each row carries the MAC of its own fields and of the row before it, so a row
 * edited, inserted or deleted without the server key breaks the chain at that point; the head
 * row (and the anchor outside the database) catches rows cut from the end.
 */
export const ZERO_HASH = Buffer.alloc(32);

/** The MAC of one row: its fields in a fixed order, the previous hash last (as hex). */
export function chainMac(key: Buffer, fields: unknown[], prevHash: Buffer): Buffer {
  return mac(key, Buffer.from(JSON.stringify([...fields, prevHash.toString("hex")]), "utf8"));
}

/** jsonb does not keep key order, so the MAC covers a sorted rendering. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The head of a chain as kept outside the database (audit/anchor.ts writes and checks it). */
export interface ChainAnchor {
  seq: number;
  hash: string;
  at: string;
}

export type ChainProblem =
  | { kind: "edited"; seq: number }
  | { kind: "inserted"; seq: number }
  | { kind: "deleted"; afterSeq: number; missing: string }
  | { kind: "head-mismatch"; headSeq: number; lastSeq: number }
  | { kind: "behind-anchor"; anchorSeq: number; anchorAt: string; lastSeq: number }
  | { kind: "anchor-mismatch"; anchorSeq: number; anchorAt: string };

export interface ChainVerification {
  rows: number;
  problem: ChainProblem | null;
  /** The anchored row that proves the chain this far back (null: no anchor; the head is the database's word only). */
  anchoredSeq?: number | null;
  anchoredAt?: string | null;
}

interface Linked {
  seq: number;
  prevHash: Buffer;
  hash: Buffer;
}

/** How to read one chained table: a page of rows after a seq, each row's expected MAC, and the head row. */
export interface ChainSource<R extends Linked> {
  page(afterSeq: number, limit: number): Promise<R[]>;
  expected(row: R): Buffer;
  head(): Promise<{ seq: number; hash: Buffer } | undefined>;
}

/**
 * Walk the chain from the start and report the first row that does not fit. With an anchor (a
 * head kept outside the database) rows deleted from the end are found too.
 */
export async function walkChain<R extends Linked>(src: ChainSource<R>, batch = 2000, anchor: ChainAnchor | null = null): Promise<ChainVerification> {
  let prev: { seq: number; hash: Buffer } = { seq: 0, hash: ZERO_HASH };
  let rows = 0;
  let anchoredHash: Buffer | null = null;
  for (;;) {
    const page = await src.page(prev.seq, batch);
    for (const r of page) {
      rows++;
      if (r.seq !== prev.seq + 1) return { rows, problem: { kind: "deleted", afterSeq: prev.seq, missing: `${prev.seq + 1}..${r.seq - 1}` } };
      if (!r.prevHash.equals(prev.hash)) return { rows, problem: { kind: "inserted", seq: r.seq } };
      if (!src.expected(r).equals(r.hash)) return { rows, problem: { kind: "edited", seq: r.seq } };
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
  const head = await src.head();
  if (!head || head.seq !== prev.seq || !head.hash.equals(prev.hash)) {
    return { rows, problem: { kind: "head-mismatch", headSeq: head?.seq ?? -1, lastSeq: prev.seq }, ...anchored };
  }
  return { rows, problem: null, ...(anchor ? anchored : {}) };
}

/** What a verify command says the anchor proves. */
export function describeAnchorCoverage(v: ChainVerification, chain = "audit"): string {
  if (!v.anchoredSeq) return `no ${chain} anchor yet: rows deleted from the end would show only if the database head was left alone`;
  const tail = v.rows > v.anchoredSeq ? `; rows ${v.anchoredSeq + 1}..${v.rows} rest on the database head only until the next anchor` : "";
  return `the anchor written ${v.anchoredAt} proves rows 1..${v.anchoredSeq}${tail}`;
}

export function describeChainProblem(p: ChainProblem): string {
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
