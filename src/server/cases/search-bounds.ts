import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { rowsOf } from "../db/index.js";
import { AppError } from "../errors.js";
import { Slots } from "../crypto/slots.js";

/**
 * The bounds that keep one staff search from holding the database (issue 17). The embedded store
 * runs in a thread of its own (db/embedded-client.ts), so a query no longer stops the server's
 * other requests, but it has one connection: one long query still makes every other query wait,
 * the applicant site's included. So a search never asks the planner for an unbounded set:
 *  - each identifying criterion reads at most CANDIDATE_BOUND + 1 case ids from its blind index
 *    (an index range read, LIMITed), and the search works on the smallest such set;
 *  - a search by state, channel, team or dates alone walks an index in order and counts at most
 *    COUNT_BOUND matches;
 *  - the work is a few small queries, so the applicant site's queries take their turn between them;
 *  - searches take turns among themselves (SEARCH_SLOTS at once, SEARCH_QUEUE waiting, the rest 503);
 *  - the whole search runs under STAFF_QUERY_TIMEOUT_MS: on PostgreSQL as statement_timeout, and on
 *    both stores as a deadline checked between the steps.
 * A search that hit a bound says so (`truncated`): the console asks for a narrower search.
 */
export const CANDIDATE_BOUND = 200;
export const COUNT_BOUND = 200;
const SEARCH_SLOTS = { pglite: 1, postgres: 4 } as const;
const SEARCH_QUEUE = 8;

export class SearchBudget {
  private readonly deadline: number;
  constructor(private readonly ms: number) {
    this.deadline = performance.now() + ms;
  }
  /** Throws the "took too long" error once the budget is spent; called between the steps. */
  check(): void {
    if (performance.now() > this.deadline) throw tooSlow(this.ms);
  }
}

const tooSlow = (ms: number) => new AppError("unavailable", `the search took longer than ${ms} ms and was stopped; narrow it down (a name with a phone, a shorter period)`, { reason: "search_timeout" });

/** True for PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014), however wrapped. */
function isStatementTimeout(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === "57014") return true;
  }
  return false;
}

/** Searches take turns: a few at once, a short queue, and a clear 503 beyond it. */
const turnsOf = new WeakMap<AppContext, Slots>();

/**
 * Runs a search's read steps in its turn, under the timeout. On PostgreSQL they share one read-only
 * transaction with statement_timeout set locally, so the server itself stops a runaway statement.
 */
export async function boundedSearch<T>(ctx: AppContext, fn: (db: Db, budget: SearchBudget) => Promise<T>): Promise<T> {
  let turns = turnsOf.get(ctx);
  if (!turns) turnsOf.set(ctx, (turns = new Slots(SEARCH_SLOTS[ctx.database.kind], SEARCH_QUEUE)));
  const ms = ctx.config.staffQueryTimeoutMs;
  return turns.run(async () => {
    const budget = new SearchBudget(ms);
    if (ctx.database.kind === "pglite") return fn(ctx.db, budget);
    try {
      return await ctx.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.trunc(ms)}`));
        await tx.execute(sql`SET TRANSACTION READ ONLY`);
        return fn(tx as unknown as Db, budget);
      });
    } catch (err) {
      if (isStatementTimeout(err)) throw tooSlow(ms);
      throw err;
    }
  }, searchBusy);
}

const searchBusy = () => new AppError("unavailable", "too many searches are running; try again in a moment", { reason: "search_busy" });

/** Up to CANDIDATE_BOUND case ids of one blind-index read (an index range, LIMITed); `full` when it hit the bound. */
export async function candidateIds(db: Db, match: SQL): Promise<{ ids: string[]; full: boolean }> {
  const rows = await rowsOf<{ case_id: string }>(db, sql`SELECT case_id FROM blind_indexes WHERE ${match} LIMIT ${CANDIDATE_BOUND + 1}`);
  const ids = [...new Set(rows.map((r) => r.case_id))];
  return { ids: ids.slice(0, CANDIDATE_BOUND), full: rows.length > CANDIDATE_BOUND };
}

/**
 * `candidateIds` of several reads in one round trip (null: no read, no candidates), each read
 * LIMITed on its own, in the order given.
 */
export async function candidateSets(db: Db, matches: (SQL | null)[]): Promise<{ ids: string[]; full: boolean }[]> {
  const asked = matches.flatMap((m, i) => (m ? [sql`(SELECT ${i}::int AS i, case_id FROM blind_indexes WHERE ${m} LIMIT ${CANDIDATE_BOUND + 1})`] : []));
  const rows = asked.length ? await rowsOf<{ i: number; case_id: string }>(db, sql.join(asked, sql` UNION ALL `)) : [];
  return matches.map((_, i) => {
    const of = rows.filter((r) => r.i === i);
    const ids = [...new Set(of.map((r) => r.case_id))];
    return { ids: ids.slice(0, CANDIDATE_BOUND), full: of.length > CANDIDATE_BOUND };
  });
}

/**
 * Which of these cases (at most CANDIDATE_BOUND) carry `match`: probes of blind_indexes_pk
 * (case_id, kind, value) for these ids only, never a read of everyone who shares the value.
 * `having` decides per case over its matching rows (a name: the whole name, or all its words).
 */
export async function carrying(db: Db, ids: string[], match: SQL, having?: SQL): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await rowsOf<{ case_id: string }>(
    db,
    sql`SELECT case_id FROM blind_indexes WHERE case_id = ANY(${`{${ids.join(",")}}`}::uuid[]) AND (${match}) GROUP BY case_id${having ? sql` HAVING ${having}` : sql``}`,
  );
  return new Set(rows.map((r) => r.case_id));
}
