import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { CHANNELS } from "../../shared/case-states.js";
import { DURATION_METRICS, FUNNEL_STEPS, type Dashboard, type DashboardFilter } from "../../shared/api/analytics.js";
import { readSla } from "../cases/index.js";
import { addDays, dayList, daysBetween } from "../../shared/calendar-day.js";
import { listEvents } from "./events.js";

/**
 * The supervisor's dashboard, read from the daily rollups (a few rows a day, whatever the number
 * of messages) and, for the backlog, from the cases' state column. Nothing here reads a
 * ciphertext or a case id.
 */
const channelIs = (channel: string | undefined) => (channel ? sql`AND channel = ${channel}` : sql``);

/** Daily counts of one metric by channel over [from, to]. */
export async function dailyByChannel(ctx: Pick<AppContext, "db">, metric: string, from: string, to: string, channel?: string, key?: string) {
  return rowsOf<{ day: string; channel: string; n: number }>(
    ctx.db,
    sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, channel, sum(n)::int AS n FROM analytics_daily
         WHERE metric = ${metric} AND day BETWEEN ${from}::date AND ${to}::date ${channelIs(channel)} ${key !== undefined ? sql`AND key = ${key}` : sql``}
         GROUP BY day, channel ORDER BY day`,
  );
}

/** A daily series of one metric (all channels or one), a count for every day of the range, gaps as 0. */
export async function dailySeries(ctx: Pick<AppContext, "db">, metric: string, from: string, to: string, channel?: string): Promise<{ dates: string[]; counts: number[] }> {
  const dates = dayList(from, to);
  const index = new Map(dates.map((d, i) => [d, i]));
  const counts = dates.map(() => 0);
  for (const r of await dailyByChannel(ctx, metric, from, to, channel)) counts[index.get(r.day)!]! += r.n;
  return { dates, counts };
}

async function sums(ctx: Pick<AppContext, "db">, metric: string, f: DashboardFilter) {
  return rowsOf<{ key: string; n: number }>(ctx.db, sql`SELECT key, sum(n)::int AS n FROM analytics_daily WHERE metric = ${metric} AND day BETWEEN ${f.from}::date AND ${f.to}::date ${channelIs(f.channel)} GROUP BY key ORDER BY key`);
}

async function durationRows(ctx: Pick<AppContext, "db">, f: DashboardFilter) {
  return rowsOf<{ metric: string; bucket: number; n: number; total: number; within: number }>(
    ctx.db,
    sql`SELECT metric, bucket, sum(n)::int AS n, sum(total_seconds)::float8 AS total, sum(within_sla)::int AS within FROM analytics_durations
         WHERE day BETWEEN ${f.from}::date AND ${f.to}::date ${channelIs(f.channel)} GROUP BY metric, bucket ORDER BY metric, bucket`,
  );
}

const bucketRange = (b: number) => (b === 0 ? [0, 1] : [2 ** (b - 1), 2 ** b]) as [number, number];

/** The median from a log2 histogram: the geometric middle of the bucket holding the middle case. */
function medianOf(buckets: { bucket: number; n: number }[]): number | null {
  const total = buckets.reduce((s, b) => s + b.n, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of buckets) {
    seen += b.n;
    if (seen * 2 >= total) {
      const [lo, hi] = bucketRange(b.bucket);
      return (b.bucket === 0 ? 30 : Math.sqrt(lo * hi) * 60);
    }
  }
  return null;
}

export async function readDashboard(ctx: AppContext, user: SessionUser, f: DashboardFilter): Promise<Dashboard> {
  authorize(user, "analytics", "read");
  const days = dayList(f.from, f.to);
  const index = new Map(days.map((d, i) => [d, i]));
  // Six days before the range, so that the 7-day average starts full on its first day.
  const early = addDays(f.from, -6);
  const contactRows = await dailyByChannel(ctx, "first_contact", early, f.to, f.channel);
  const channels = f.channel ? [f.channel] : [...CHANNELS];
  const byChannel = Object.fromEntries(channels.map((c) => [c, days.map(() => 0)]));
  const wide = dayList(early, f.to).map(() => 0);
  for (const r of contactRows) {
    wide[daysBetween(early, r.day)]! += r.n;
    const i = index.get(r.day);
    if (i !== undefined && byChannel[r.channel]) byChannel[r.channel]![i]! += r.n;
  }
  const total = days.map((_, i) => wide[i + 6]!);
  const avg7 = days.map((_, i) => Math.round((wide.slice(i, i + 7).reduce((s, n) => s + n, 0) / 7) * 10) / 10);

  const inbound = (await dailySeries(ctx, "inbound", f.from, f.to, f.channel)).counts;

  const transitions = new Map((await sums(ctx, "transition", f)).map((r) => [r.key, r.n]));
  const firstContacts = total.reduce((s, n) => s + n, 0);
  const funnel = FUNNEL_STEPS.map((step) => ({ step, n: step === "first_contact" ? firstContacts : (transitions.get(step) ?? 0), conversion: null as number | null }));
  for (let i = 1; i < funnel.length; i++) funnel[i]!.conversion = funnel[i - 1]!.n > 0 ? Math.round((funnel[i]!.n / funnel[i - 1]!.n) * 1000) / 10 : null;

  const dur = await durationRows(ctx, f);
  const durations = Object.fromEntries(
    DURATION_METRICS.map((m) => {
      const rows = dur.filter((r) => r.metric === m);
      const n = rows.reduce((s, r) => s + r.n, 0);
      return [m, { n, meanSeconds: n ? Math.round(rows.reduce((s, r) => s + r.total, 0) / n) : null, medianSeconds: medianOf(rows) }];
    }),
  ) as Dashboard["durations"];
  const handover = dur.filter((r) => r.metric === "to_handed_over").map((r) => ({ bucket: r.bucket, fromMinutes: bucketRange(r.bucket)[0], toMinutes: bucketRange(r.bucket)[1], n: r.n }));

  const verdicts = (await sums(ctx, "verdict", f)).map((r) => ({ outcome: r.key, n: r.n }));
  const backlog = await rowsOf<{ state: string; n: number }>(ctx.db, sql`SELECT state, count(*)::int AS n FROM cases WHERE state NOT IN ('closed', 'merged') ${channelIs(f.channel)} GROUP BY state ORDER BY state`);

  const slaRows = await rowsOf<{ day: string; answered: number; within: number }>(
    ctx.db,
    sql`SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(n)::int AS answered, sum(within_sla)::int AS within FROM analytics_durations
         WHERE metric = 'first_response' AND day BETWEEN ${f.from}::date AND ${f.to}::date ${channelIs(f.channel)} GROUP BY day ORDER BY day`,
  );
  const target = (await readSla(ctx.db)).firstResponseMinutes;
  const answered = slaRows.reduce((s, r) => s + r.answered, 0);
  const within = slaRows.reduce((s, r) => s + r.within, 0);
  return {
    days,
    contacts: { byChannel, total, avg7 },
    inbound,
    funnel,
    handover,
    durations,
    verdicts,
    backlog,
    sla: { targetMinutes: target, daily: slaRows.map((r) => ({ day: r.day, answered: r.answered, withinTarget: r.within })), share: answered ? Math.round((within / answered) * 1000) / 10 : null },
    events: await listEvents(ctx, f.from, f.to),
  };
}
