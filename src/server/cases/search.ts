import { and, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { blindIndexes, cases, users } from "../db/schema.js";
import { blindIndex, nameTokenIndexes, type BlindIndexKind } from "../crypto/blind-index.js";
import { nameTokens } from "../crypto/normalise.js";
import { receiptLookupKey, verifyReceiptCandidates } from "../crypto/receipt.js";
import { appendAudit } from "../audit/log.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import type { CaseState, Channel, TeamId } from "../../shared/case-states.js";
import { caseScope } from "./access.js";
import type { InboxRow } from "./inbox.js";

export interface SearchInput {
  receipt?: string;
  name?: string;
  phone?: string;
  serviceNumber?: string;
  telegram?: string;
  state?: CaseState;
  channel?: Channel;
  team?: TeamId;
  from?: Date;
  to?: Date;
  limit: number;
  /** Rows to skip: the pages after the first. */
  offset?: number;
}

/** Which policy resource a search field reveals: searching by a value is reading it. */
const FIELD_RESOURCE = { name: "case_identity", serviceNumber: "case_identity", phone: "case_contact", telegram: "case_contact" } as const;

/** Cases carrying this blind index (one of the given kinds with its value). */
function withIndex(pairs: { kind: BlindIndexKind; value: string | null }[]): SQL {
  const ok = pairs.filter((p): p is { kind: BlindIndexKind; value: string } => p.value !== null);
  if (ok.length === 0) return sql`false`;
  const match = sql.join(
    ok.map((p) => sql`(${blindIndexes.kind} = ${p.kind} AND ${blindIndexes.value} = ${p.value})`),
    sql` OR `,
  );
  return sql`${cases.id} IN (SELECT ${blindIndexes.caseId} FROM ${blindIndexes} WHERE ${match})`;
}

/**
 * A name: the whole normalised name, or every word of it among the case's name words. One IN over
 * a UNION (an OR of sub-queries would read every case); the words are matched by starting from
 * one (the longest, usually the surname, the rarest) and probing the others by key, so a common
 * word like "иван" is never read in full.
 */
function withName(key: Buffer, name: string): SQL {
  const full = blindIndex(key, "name", name);
  const words = [...new Set(nameTokens(name))];
  const indexes = nameTokenIndexes(key, name); // same order as `words`
  const tokens = words.map((w, i) => ({ w, v: indexes[i]! })).sort((a, b) => b.w.length - a.w.length).map((x) => x.v);
  if (!full && tokens.length === 0) return sql`false`;
  const parts: SQL[] = [];
  if (full) parts.push(sql`SELECT case_id FROM blind_indexes WHERE kind = 'name' AND value = ${full}`);
  if (tokens.length > 0) {
    const [first, ...rest] = tokens;
    const others = rest.map((t) => sql` AND EXISTS (SELECT 1 FROM blind_indexes w WHERE w.case_id = b.case_id AND w.kind = 'name_token' AND w.value = ${t})`);
    parts.push(sql`SELECT b.case_id FROM blind_indexes b WHERE b.kind = 'name_token' AND b.value = ${first}${sql.join(others, sql``)}`);
  }
  return sql`${cases.id} IN (${sql.join(parts, sql` UNION `)})`;
}

/**
 * Staff search, always inside the user's scope. Identifying values are never compared in clear:
 * each is normalised and blind-indexed, then looked up. A receipt code is found through its short
 * lookup key and confirmed by its slow hash. The search is audited with the fields used, never
 * the values.
 */
export async function searchCases(ctx: AppContext, user: SessionUser, q: SearchInput): Promise<{ rows: InboxRow[]; total: number }> {
  authorize(user, "case", "list");
  const used = (["receipt", "name", "phone", "serviceNumber", "telegram", "state", "channel", "team", "from", "to"] as const).filter((k) => q[k] !== undefined && q[k] !== "");
  if (used.length === 0) throw new AppError("validation_failed", "give at least one search field");
  for (const f of Object.keys(FIELD_RESOURCE) as (keyof typeof FIELD_RESOURCE)[]) if (q[f]) authorize(user, FIELD_RESOURCE[f], "read");
  if (q.receipt) authorize(user, "case", "read");

  const key = ctx.keys.subkey("index");
  const where: (SQL | undefined)[] = [caseScope(user)];
  if (q.name) where.push(withName(key, q.name));
  if (q.phone) where.push(withIndex([{ kind: "phone", value: blindIndex(key, "phone", q.phone) }, { kind: "whatsapp", value: blindIndex(key, "whatsapp", q.phone) }]));
  if (q.serviceNumber) where.push(withIndex([{ kind: "service_number", value: blindIndex(key, "service_number", q.serviceNumber) }]));
  if (q.telegram) {
    const t = q.telegram.trim();
    where.push(withIndex([{ kind: "telegram_username", value: blindIndex(key, "telegram_username", t) }, { kind: "telegram_id", value: /^\d+$/.test(t) ? blindIndex(key, "telegram_id", t) : null }]));
  }
  if (q.state) where.push(eq(cases.state, q.state));
  if (q.channel) where.push(eq(cases.channel, q.channel));
  if (q.team) where.push(eq(cases.teamId, q.team));
  if (q.from) where.push(gte(cases.createdAt, q.from));
  if (q.to) where.push(lte(cases.createdAt, q.to));

  if (q.receipt) {
    // The lookup key narrows to a few rows; the slow hash decides (the same work whether or not it matches).
    const lookup = receiptLookupKey(q.receipt, key);
    const candidates = lookup
      ? await ctx.db
          .select({ id: cases.id, receiptHash: cases.receiptHash })
          .from(cases)
          .where(and(eq(cases.receiptLookup, lookup), sql`${cases.receiptHash} IS NOT NULL`, ...where))
      : [];
    const hit = await verifyReceiptCandidates(q.receipt, candidates as { id: string; receiptHash: string }[]);
    where.push(hit ? eq(cases.id, hit.id) : sql`false`);
  }

  const rows = await ctx.db
    .select({ row: cases, assigneeName: users.displayName })
    .from(cases)
    .leftJoin(users, eq(users.id, cases.assignedUserId))
    .where(and(...where))
    .orderBy(desc(cases.updatedAt), desc(cases.id))
    .limit(q.limit)
    .offset(q.offset ?? 0);
  const total =
    rows.length < q.limit && (q.offset ?? 0) === 0 ? rows.length : ((await ctx.db.select({ n: sql<number>`count(*)::int` }).from(cases).where(and(...where)))[0]?.n ?? 0);

  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "case.searched", subjectType: "case", details: { fields: used.join(","), results: rows.length, total } }),
  );
  return { rows: rows.map((r) => ({ row: r.row, assigneeName: r.assigneeName, dueAtMs: null })), total };
}
