import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";
import { appendAudit } from "../audit/log.js";
import { checkSeries, ImpactInputError } from "./impact.js";
import { CHANNELS, type Channel } from "../../shared/case-states.js";

/** The UTC day of the store's first own case (its triggers count from then), or null for an empty store. */
export async function firstOwnDay(ctx: Pick<AppContext, "db">): Promise<string | null> {
  const [first] = await rowsOf<{ day: string | null }>(ctx.db, sql`SELECT to_char(min(created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day FROM cases`);
  return first?.day ?? null;
}

/**
 * First contacts a day counted before this system (a spreadsheet, the previous tool), added to
 * the rollup so that the charts and the impact estimate see the hotline's whole history. Only
 * counts enter, never cases. Days on or after the store's first own contact are refused: the
 * triggers count those, and an import must not double them.
 */
export async function importHistory(ctx: Pick<AppContext, "db" | "keys">, channel: string, dates: string[], counts: number[]): Promise<number> {
  if (!(CHANNELS as readonly string[]).includes(channel)) throw new ImpactInputError(`--channel must be one of ${CHANNELS.join(", ")}`);
  checkSeries(dates, counts);
  const firstDay = await firstOwnDay(ctx);
  if (firstDay && dates[dates.length - 1]! >= firstDay) throw new ImpactInputError(`the store counts its own contacts from ${firstDay}: import only days before it`);
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < dates.length; i++)
      await tx.execute(sql`INSERT INTO analytics_daily (day, channel, metric, key, n) VALUES (${dates[i]}::date, ${channel as Channel}, 'first_contact', '', ${counts[i]})
                           ON CONFLICT (day, channel, metric, key) DO UPDATE SET n = excluded.n`);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "analytics.history_imported", subjectType: "analytics", subjectId: channel, details: { from: dates[0]!, to: dates[dates.length - 1]!, days: dates.length } });
  });
  return dates.length;
}
