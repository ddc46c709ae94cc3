import { and, eq, gte, ne, sql } from "drizzle-orm";
import { blindIndexes, cases } from "../db/schema.js";
import { verificationWatchlist } from "./tables.js";
import { activeEntryFor, sameIdentifier } from "./watchlist-match.js";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { DECISIONS, type Decision, type ReasonCode } from "../../shared/verification.js";

/** Weeks of watchlist hits the supervisor sees. */
const WEEKS = 8;

/**
 * Cohen's kappa of the first and the second review of the same round: agreement beyond what two
 * reviewers deciding at their own rates would reach by chance. null when it is undefined (no
 * pairs, or both always gave the same one decision, so chance agreement is already 1).
 */
export function cohensKappa(pairs: readonly (readonly [Decision, Decision])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  const share = (i: 0 | 1, d: Decision) => pairs.filter((p) => p[i] === d).length / n;
  const chance = DECISIONS.reduce((s, d) => s + share(0, d) * share(1, d), 0);
  return chance === 1 ? null : (observed - chance) / (1 - chance);
}

/**
 * The supervisor's numbers (issue 11, point 9): counts and durations only, never a case number
 * or anything that points at an applicant. Over every decided round in the store.
 */
export async function verificationNumbers(ctx: AppContext, user: SessionUser) {
  authorize(user, "verification", "decide");
  const [time] = await rowsOf<{ n: number; median: number | null; mean: number | null }>(
    ctx.db,
    sql`SELECT count(*)::int AS n,
               (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - entered_at)) / 3600)::float8 AS median,
               (avg(extract(epoch FROM decided_at - entered_at)) / 3600)::float8 AS mean
          FROM verification_cases WHERE stage = 'decided' AND decided_at IS NOT NULL`,
  );
  const reasons = await rowsOf<{ reason: ReasonCode; n: number }>(ctx.db, sql`SELECT reason_code AS reason, count(*)::int AS n FROM verification_cases WHERE stage = 'decided' AND outcome = 'rejected' GROUP BY reason_code ORDER BY reason_code`);
  const pairs = await rowsOf<{ first: Decision; second: Decision }>(
    ctx.db,
    sql`SELECT a.decision AS first, b.decision AS second FROM verification_reviews a
          JOIN verification_reviews b ON b.case_id = a.case_id AND b.round = a.round AND b.position = 2
         WHERE a.position = 1`,
  );
  // A hit is a case that matched an active entry, counted in the week it first wrote.
  const since = new Date(ctx.now().getTime() - WEEKS * 7 * 86_400_000);
  const week = sql<string>`to_char(date_trunc('week', ${cases.createdAt} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  const hits = await ctx.db
    .select({ week, n: sql<number>`count(DISTINCT ${cases.id})::int` })
    .from(verificationWatchlist)
    .innerJoin(blindIndexes, sameIdentifier)
    .innerJoin(cases, eq(cases.id, blindIndexes.caseId))
    .where(and(activeEntryFor(cases.id), ne(cases.state, "merged"), gte(cases.createdAt, since)))
    .groupBy(week)
    .orderBy(week);
  const decided = time?.n ?? 0;
  return {
    decided,
    hoursToDecision: { median: time?.median ?? null, mean: time?.mean ?? null },
    rejectedByReason: reasons.map((r) => ({ reason: r.reason, count: r.n, share: decided ? r.n / decided : 0 })),
    agreement: { pairs: pairs.length, agreed: pairs.filter((p) => p.first === p.second).length, kappa: cohensKappa(pairs.map((p) => [p.first, p.second] as const)) },
    hitsByWeek: hits.map((h) => ({ week: h.week, count: h.n })),
  };
}
