import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";
import type { SessionUser } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { estimateImpact, ImpactInputError, type ImpactResult } from "./impact.js";
import { dailySeries } from "./dashboard.js";
import { findEvent } from "./events.js";
import { addDays } from "../../shared/calendar-day.js";


/**
 * "Did that event raise requests?" for a recorded event: the first contacts a day (all channels,
 * or one) from the rollup, through the same estimator as `safe-passage analytics impact`.
 * A window that has not fully happened yet, or too short a history, is a clear 409.
 */
export async function eventImpact(ctx: AppContext, user: SessionUser, id: string, opts: { days: number; baselineDays: number; channel?: string }): Promise<ImpactResult> {
  const event = await findEvent(ctx, user, id);
  const from = addDays(event.day, -opts.baselineDays);
  const to = addDays(event.day, opts.days - 1);
  const today = ctx.now().toISOString().slice(0, 10);
  if (to >= today) throw new AppError("conflict", `the ${opts.days} day(s) from ${event.day} are not over yet`);
  // Days before the first recorded contact are not zero requests: the hotline was not counting yet.
  const [first] = await rowsOf<{ day: string | null }>(ctx.db, sql`SELECT to_char(min(day), 'YYYY-MM-DD') AS day FROM analytics_daily WHERE metric = 'first_contact'`);
  if (!first?.day || first.day > from) throw new AppError("conflict", `the history starts on ${first?.day ?? "no day yet"}: a baseline of ${opts.baselineDays} days before ${event.day} needs it from ${from}`);
  const { dates, counts } = await dailySeries(ctx, "first_contact", from, to, opts.channel);
  try {
    return estimateImpact(dates, counts, event.day, { days: opts.days, baselineDays: opts.baselineDays });
  } catch (err) {
    if (err instanceof ImpactInputError) throw new AppError("conflict", err.message);
    throw err;
  }
}
