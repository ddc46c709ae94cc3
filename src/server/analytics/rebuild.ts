import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf, type Db } from "../db/index.js";
import { appendAudit } from "../audit/log.js";
import { dailyCounts, durationCounts } from "./recount.js";

export interface RebuildOutcome {
  /** rollup rows inserted or changed */
  written: number;
  /** rollup rows no raw row supports any more (removed) */
  removed: number;
  /** true when retention has purged rows: counts above the recount were kept */
  keptHigher: boolean;
  ms: number;
}

type Tx = Pick<Db, "execute">;
const count = async (tx: Tx, q: ReturnType<typeof sql>) => (await rowsOf<{ n: number }>(tx, sql`WITH w AS (${q} RETURNING 1) SELECT count(*)::int AS n FROM w`))[0]!.n;

/**
 * Recompute the daily rollups from the non-identifying columns (channels, directions, states,
 * times): for a store restored from a backup taken before the rollups existed, or after their
 * triggers were off during a bulk load. Two things the raw rows cannot tell are kept:
 * first contacts imported for days before the store's own first case (`import-history`), and, on
 * a store the retention purge has touched, counts above the recount (the purged rows were counted
 * once and are gone). One transaction, audited; the rollup tables are locked for its length, so a
 * message arriving meanwhile waits and then adds itself to the rebuilt count rather than being
 * counted twice or lost.
 */
export async function rebuildRollups(ctx: Pick<AppContext, "db" | "keys">): Promise<RebuildOutcome> {
  const t0 = performance.now();
  const outcome = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE analytics_daily, analytics_durations IN EXCLUSIVE MODE`);
    const [p] = await rowsOf<{ purged: boolean }>(tx, sql`SELECT EXISTS (SELECT 1 FROM retention_tombstones) OR EXISTS (SELECT 1 FROM case_events WHERE kind = 'retention.messages_purged') AS purged`);
    const keptHigher = p!.purged;
    // The recount once, into tables of this transaction: both the removal and the upsert read it.
    await tx.execute(sql`CREATE TEMP TABLE recount_daily ON COMMIT DROP AS SELECT day::date AS day, channel, metric, key, n FROM (${dailyCounts}) r`);
    await tx.execute(sql`CREATE TEMP TABLE recount_durations ON COMMIT DROP AS SELECT day::date AS day, channel, metric, bucket, n, "totalSeconds" AS total_seconds, "withinSla" AS within_sla FROM (${durationCounts}) r`);
    let removed = 0;
    if (!keptHigher) {
      removed += await count(
        tx,
        sql`DELETE FROM analytics_daily a
             WHERE NOT (a.metric = 'first_contact' AND a.day < coalesce((SELECT min(created_at AT TIME ZONE 'UTC')::date FROM cases), 'infinity'::date))
               AND NOT EXISTS (SELECT 1 FROM recount_daily r WHERE r.day = a.day AND r.channel = a.channel AND r.metric = a.metric AND r.key = a.key)`,
      );
      removed += await count(tx, sql`DELETE FROM analytics_durations a WHERE NOT EXISTS (SELECT 1 FROM recount_durations r WHERE r.day = a.day AND r.channel = a.channel AND r.metric = a.metric AND r.bucket = a.bucket)`);
    }
    const written =
      (await count(
        tx,
        sql`INSERT INTO analytics_daily (day, channel, metric, key, n) SELECT day, channel, metric, key, n FROM recount_daily
            ON CONFLICT (day, channel, metric, key) DO UPDATE SET n = excluded.n
              WHERE analytics_daily.n <> excluded.n AND (NOT ${keptHigher} OR excluded.n > analytics_daily.n)`,
      )) +
      (await count(
        tx,
        sql`INSERT INTO analytics_durations (day, channel, metric, bucket, n, total_seconds, within_sla) SELECT day, channel, metric, bucket, n, total_seconds, within_sla FROM recount_durations
            ON CONFLICT (day, channel, metric, bucket) DO UPDATE SET n = excluded.n, total_seconds = excluded.total_seconds, within_sla = excluded.within_sla
              WHERE (analytics_durations.n, analytics_durations.total_seconds, analytics_durations.within_sla) IS DISTINCT FROM (excluded.n, excluded.total_seconds, excluded.within_sla)
                AND (NOT ${keptHigher} OR excluded.n > analytics_durations.n)`,
      ));
    const ms = Math.round(performance.now() - t0);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "analytics.rollups_rebuilt", subjectType: "analytics", subjectId: "rollups", details: { written, removed, keptHigher, ms } });
    return { written, removed, keptHigher };
  });
  return { ...outcome, ms: Math.round(performance.now() - t0) };
}
