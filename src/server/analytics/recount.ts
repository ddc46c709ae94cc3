import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/index.js";

/**
 * The rollups counted from scratch over the raw rows, exactly as the triggers count them one row
 * at a time (migration "analytics"). Written by `analytics rebuild-rollups` (rebuild.ts) and read by
 * the tests as the oracle the incremental rollups must equal. Reads only channels, directions,
 * states and times. Rows of cases already purged are not here any more: on a purged store the rollup is the
 * larger, by design.
 */
export interface DailyRow { day: string; channel: string; metric: string; key: string; n: number }
export interface DurationRow { day: string; channel: string; metric: string; bucket: number; n: number; totalSeconds: number; withinSla: number }

const day = (col: string) => sql.raw(`to_char((${col} AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`);

/** The daily counts from scratch, unordered: read by recountDaily and written by rebuild.ts, so both count alike. */
export const dailyCounts = sql`SELECT day, channel, metric, key, count(*)::int AS n FROM (
    SELECT ${day("created_at")} AS day, channel, 'first_contact' AS metric, '' AS key FROM cases
    UNION ALL SELECT ${day("created_at")}, channel, 'inbound', '' FROM messages WHERE direction = 'in' AND replaces_id IS NULL
    UNION ALL SELECT ${day("created_at")}, channel, 'outbound', '' FROM messages WHERE direction = 'out'
    UNION ALL SELECT ${day("e.at")}, c.channel, 'transition', e.to_state FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.to_state IS NOT NULL
    UNION ALL SELECT ${day("e.at")}, c.channel, 'verdict', e.to_state FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.to_state IS NOT NULL AND e.from_state = 'verifying'
  ) x GROUP BY day, channel, metric, key`;

/** The durations from scratch, unordered. The SLA target is the one in force now (the trigger uses the one at reply time). */
export const durationCounts = sql`WITH firsts AS (
    SELECT DISTINCT ON (m.case_id) m.case_id, m.created_at AS at, 'first_response' AS metric FROM messages m WHERE m.direction = 'out' ORDER BY m.case_id, m.seq
  ), milestones AS (
    SELECT DISTINCT ON (e.case_id, e.to_state) e.case_id, e.at,
           CASE e.to_state WHEN 'verified' THEN 'to_verified' WHEN 'handed_over' THEN 'to_handed_over' ELSE 'to_registered' END AS metric
      FROM case_events e WHERE e.to_state IN ('verified', 'handed_over', 'registered_pow') ORDER BY e.case_id, e.to_state, e.at, e.id
  ), d AS (
    SELECT ${day("x.at")} AS day, c.channel, x.metric, greatest(0, extract(epoch FROM x.at - c.created_at))::float8 AS secs
      FROM (SELECT * FROM firsts UNION ALL SELECT * FROM milestones) x JOIN cases c ON c.id = x.case_id
  )
  SELECT day, channel, metric, analytics_bucket(secs) AS bucket, count(*)::int AS n, sum(secs)::float8 AS "totalSeconds",
         sum(CASE WHEN metric = 'first_response' AND secs <= coalesce((SELECT first_response_minutes FROM sla_settings WHERE id = 1), 5) * 60 THEN 1 ELSE 0 END)::int AS "withinSla"
    FROM d GROUP BY day, channel, metric, bucket`;

export async function recountDaily(db: Pick<Db, "execute">): Promise<DailyRow[]> {
  return rowsOf<DailyRow>(db, sql`${dailyCounts} ORDER BY day, channel, metric, key`);
}

export async function recountDurations(db: Pick<Db, "execute">): Promise<DurationRow[]> {
  return rowsOf<DurationRow>(db, sql`${durationCounts} ORDER BY day, channel, metric, bucket`);
}

/** The rollups as stored, in the recount's order and shape, to compare. */
export async function storedDaily(db: Pick<Db, "execute">): Promise<DailyRow[]> {
  return rowsOf<DailyRow>(db, sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, metric, key, n FROM analytics_daily WHERE n > 0 ORDER BY day, channel, metric, key`);
}
export async function storedDurations(db: Pick<Db, "execute">): Promise<DurationRow[]> {
  return rowsOf<DurationRow>(db, sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, metric, bucket, n, total_seconds AS "totalSeconds", within_sla AS "withinSla" FROM analytics_durations ORDER BY day, channel, metric, bucket`);
}
