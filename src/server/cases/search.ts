import { and, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { rowsOf } from "../db/index.js";
import type { AppContext } from "../context.js";
import { cases, users } from "../db/schema.js";
import { boundedSearch, candidateIds, candidateSets, carrying, COUNT_BOUND, type SearchBudget } from "./search-bounds.js";
import { blindIndex, blindIndexAsync, nameTokenIndexes, type BlindIndexKind } from "../crypto/blind-index.js";
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

/** More rows sharing a 4-byte receipt lookup key than this would be a flood: the slow hash checks at most these. */
const RECEIPT_CANDIDATES = 16;

/** Which policy resource a search field reveals: searching by a value is reading it. */
const FIELD_RESOURCE = { name: "case_identity", serviceNumber: "case_identity", phone: "case_contact", telegram: "case_contact" } as const;

/** One identifying criterion: the blind-index rows that find its candidates, and the test of one case's rows. */
interface Criterion {
  /** Exact reads: the criterion's candidates are their union (one OR). */
  reads: SQL[];
  /** Reads of which only the smallest is added to the candidates (a name's words; then not exact). */
  words: SQL[];
  /** The candidates are exactly the matching set (not a superset to be tested). */
  exact: boolean;
  /**
   * Which of a case's blind-index rows bear on it (`match`), and whether they make a match
   * (`having`, over those rows, naming its own kinds): several criteria are tested in one read.
   */
  test: { match: SQL; having: SQL };
}

const pair = (kind: BlindIndexKind, value: string) => sql`(kind = ${kind} AND value = ${value})`;
const anyPair = (pairs: SQL[]) => sql.join(pairs, sql` OR `);

/** Any of these (kind, value) pairs. */
function anyOf(pairs: { kind: BlindIndexKind; value: string | null }[]): Criterion | null {
  const ok = pairs.filter((p): p is { kind: BlindIndexKind; value: string } => p.value !== null).map((p) => pair(p.kind, p.value));
  if (ok.length === 0) return null;
  return { reads: ok, words: [], exact: true, test: { match: anyPair(ok), having: sql`bool_or(${anyPair(ok)})` } };
}

/**
 * A name: the whole normalised name, or every word of it among the case's name words. Candidates
 * come from the whole name and from one word (the rarest of those read, each read bounded), and
 * every candidate is then tested for all the words, so a common word like "иван" is never read in full.
 */
function byName(key: Buffer, name: string): Criterion | null {
  const full = blindIndex(key, "name", name);
  const words = [...new Set(nameTokens(name))];
  const indexes = nameTokenIndexes(key, name); // same order as `words`
  const tokens = words.map((w, i) => ({ w, v: indexes[i]! })).sort((a, b) => b.w.length - a.w.length).map((x) => x.v).slice(0, 4);
  if (!full && tokens.length === 0) return null;
  const one = tokens.length === 1;
  const whole = full ? [pair("name", full)] : [];
  const each = tokens.map((t) => pair("name_token", t));
  return {
    reads: [...whole, ...(one ? each : [])],
    words: one ? [] : each,
    exact: tokens.length <= 1,
    test: {
      match: anyPair([...whole, ...each]),
      // The rows are one per (case, kind, value) (blind_indexes_pk), so counting word rows counts distinct words.
      having: sql.join([...(full ? [sql`bool_or(${whole[0]})`] : []), ...(each.length ? [sql`count(*) FILTER (WHERE ${anyPair(each)}) >= ${each.length}`] : [])], sql` OR `),
    },
  };
}

/**
 * The cases matching every identifying criterion, as a bounded id list: each criterion's reads are
 * LIMITed (all of them in one round trip), the smallest set is the base, and the base is tested
 * against the others (by membership where a criterion's set is exact and complete, else by the
 * base's own blind-index rows, all such criteria in one read).
 */
async function identified(db: Db, budget: SearchBudget, criteria: Criterion[], receiptIds: string[] | null): Promise<{ ids: string[]; truncated: boolean }> {
  const sets: { c: Criterion | null; ids: string[]; full: boolean; exact: boolean }[] = [];
  if (receiptIds) sets.push({ c: null, ids: receiptIds, full: false, exact: true });
  const wholes = await candidateSets(db, criteria.map((c) => (c.reads.length > 0 ? anyPair(c.reads.map((x) => sql`(${x})`)) : null)));
  budget.check();
  criteria.forEach((c, i) => sets.push({ c, ...wholes[i]!, exact: true }));
  for (const set of sets) {
    const c = set.c;
    if (!c) continue;
    // Candidates of the exact reads alone match as they are (the whole name): no test needed. When
    // the whole name already fills the bound, its words would only add more of the same, cut anyway.
    if (c.words.length === 0 || set.full) {
      set.exact = c.exact || c.words.length > 0;
      continue;
    }
    let best: { ids: string[]; full: boolean } | null = null;
    for (const x of c.words) {
      budget.check();
      const r = await candidateIds(db, x);
      if (!best || (best.full && !r.full) || (r.full === best.full && r.ids.length < best.ids.length)) best = r;
      if (!best.full && best.ids.length < 50) break; // rare enough: no need to read the other words
    }
    set.ids = [...new Set([...set.ids, ...best!.ids])];
    set.full = best!.full;
    set.exact = c.exact;
    budget.check();
  }
  sets.sort((a, b) => Number(a.full) - Number(b.full) || a.ids.length - b.ids.length);
  const [base, ...others] = sets;
  let keep = base!.ids;
  const toTest: Criterion[] = [];
  if (base!.c && !base!.exact) toTest.push(base!.c);
  for (const o of others) {
    if (!o.c || (!o.full && o.exact)) {
      const s = new Set(o.ids);
      keep = keep.filter((id) => s.has(id));
    } else toTest.push(o.c);
  }
  if (toTest.length && keep.length) {
    const hit = await carrying(db, keep, anyPair(toTest.map((c) => sql`(${c.test.match})`)), sql.join(toTest.map((c) => sql`(${c.test.having})`), sql` AND `));
    keep = keep.filter((id) => hit.has(id));
    budget.check();
  }
  return { ids: keep, truncated: base!.full };
}

/**
 * Staff search, always inside the user's scope. Identifying values are never compared in clear:
 * each is normalised and blind-indexed, then looked up. A receipt code is found through its short
 * lookup key and confirmed by its slow hash. The search is audited with the fields used, never
 * the values.
 */
export async function searchCases(ctx: AppContext, user: SessionUser, q: SearchInput): Promise<{ rows: InboxRow[]; total: number; truncated: boolean }> {
  authorize(user, "case", "list");
  const used = (["receipt", "name", "phone", "serviceNumber", "telegram", "state", "channel", "team", "from", "to"] as const).filter((k) => q[k] !== undefined && q[k] !== "");
  if (used.length === 0) throw new AppError("validation_failed", "give at least one search field");
  for (const f of Object.keys(FIELD_RESOURCE) as (keyof typeof FIELD_RESOURCE)[]) if (q[f]) authorize(user, FIELD_RESOURCE[f], "read");
  if (q.receipt) authorize(user, "case", "read");

  const key = ctx.keys.subkey("index");
  const criteria: Criterion[] = [];
  const none = (c: Criterion | null) => (c ? (criteria.push(c), false) : true);
  let nothing = false;
  if (q.name) nothing ||= none(byName(key, q.name));
  // Phone, Telegram and service number are slow indexes (an Argon2id run each): computed side by
  // side on the staff Argon2 lane's threads, at a lower priority than those answering requests, so a
  // search never holds the event loop (and the applicant site) for them (crypto/argon2-lane.ts).
  const slow = (kind: BlindIndexKind, value: string | undefined) => (value ? blindIndexAsync(key, kind, value) : Promise.resolve(null));
  const t = q.telegram?.trim();
  const [phone, whatsapp, serviceNumber, tgUser, tgId] = await Promise.all([
    slow("phone", q.phone),
    slow("whatsapp", q.phone),
    slow("service_number", q.serviceNumber),
    slow("telegram_username", t),
    t && /^\d+$/.test(t) ? slow("telegram_id", t) : null,
  ]);
  if (q.phone) nothing ||= none(anyOf([{ kind: "phone", value: phone }, { kind: "whatsapp", value: whatsapp }]));
  if (q.serviceNumber) nothing ||= none(anyOf([{ kind: "service_number", value: serviceNumber }]));
  if (q.telegram) nothing ||= none(anyOf([{ kind: "telegram_username", value: tgUser }, { kind: "telegram_id", value: tgId }]));
  const where: (SQL | undefined)[] = [caseScope(user)];
  if (q.state) where.push(eq(cases.state, q.state));
  if (q.channel) where.push(eq(cases.channel, q.channel));
  if (q.team) where.push(eq(cases.teamId, q.team));
  if (q.from) where.push(gte(cases.createdAt, q.from));
  if (q.to) where.push(lte(cases.createdAt, q.to));

  const found = await boundedSearch(ctx, async (db, budget) => {
    let receiptIds: string[] | null = null;
    if (q.receipt) {
      // The lookup key narrows to a few rows; the slow hash decides (the same work whether or not it matches).
      const lookup = receiptLookupKey(q.receipt, key);
      const candidates = lookup
        ? await db
            .select({ id: cases.id, receiptHash: cases.receiptHash })
            .from(cases)
            .where(and(eq(cases.receiptLookup, lookup), sql`${cases.receiptHash} IS NOT NULL`, ...where))
            .limit(RECEIPT_CANDIDATES)
        : [];
      const hit = await verifyReceiptCandidates(q.receipt, candidates as { id: string; receiptHash: string }[]);
      receiptIds = hit ? [hit.id] : [];
      budget.check();
    }
    let truncated = false;
    const page = (ids: SQL) =>
      db
        .select({ row: cases, assigneeName: users.displayName })
        .from(cases)
        .leftJoin(users, eq(users.id, cases.assignedUserId))
        .where(and(...where, ids))
        .orderBy(desc(cases.updatedAt), desc(cases.id));
    let rows: Awaited<ReturnType<typeof page>> = [];
    let total = 0;
    if (nothing) rows = [];
    else if (receiptIds || criteria.length > 0) {
      // At most CANDIDATE_BOUND ids: the page's rows and their count in one read by primary key.
      const ids = await identified(db, budget, criteria, receiptIds);
      truncated = ids.truncated;
      if (ids.ids.length) {
        const among = sql`${cases.id} = ANY(${`{${ids.ids.join(",")}}`}::uuid[])`;
        const counted = await db
          .select({ row: cases, assigneeName: users.displayName, total: sql<number>`(count(*) OVER ())::int` })
          .from(cases)
          .leftJoin(users, eq(users.id, cases.assignedUserId))
          .where(and(...where, among))
          .orderBy(desc(cases.updatedAt), desc(cases.id))
          .limit(q.limit)
          .offset(q.offset ?? 0);
        rows = counted;
        total = counted[0]?.total ?? 0;
        if (!counted.length && (q.offset ?? 0) > 0) {
          // A page past the end: the count alone.
          const [c] = await rowsOf<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${cases} WHERE ${and(...where, among)}`);
          total = c?.n ?? 0;
        }
      }
    } else {
      // State, channel, team, dates: each has an index in updated_at order (cases_*_idx); counted up to COUNT_BOUND.
      rows = await page(sql`true`).limit(q.limit).offset(q.offset ?? 0);
      total = rows.length;
      if (rows.length === q.limit || (q.offset ?? 0) > 0) {
        budget.check();
        const [c] = await rowsOf<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${cases} WHERE ${and(...where) ?? sql`true`} LIMIT ${COUNT_BOUND + 1}) x`);
        total = Math.min(c?.n ?? 0, COUNT_BOUND);
        if ((c?.n ?? 0) > COUNT_BOUND) truncated = true;
      }
    }
    budget.check();
    return { rows, total, truncated };
  });

  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "case.searched", subjectType: "case", details: { fields: used.join(","), results: found.rows.length, total: found.total, truncated: found.truncated } }),
  );
  return { rows: found.rows.map((r) => ({ row: r.row, assigneeName: r.assigneeName, dueAtMs: null })), total: found.total, truncated: found.truncated };
}
