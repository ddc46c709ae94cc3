import type { AppContext } from "../context.js";
import { analyticsEvents } from "./tables.js";
import { firstOwnDay, importHistory } from "./history.js";
import texts from "./i18n/demo-events.json" with { type: "json" };

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A seeded generator (demo numbers are the same at every load). */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  // Poisson by Knuth's method: fine for the small means of a demo.
  const poisson = (mean: number) => {
    const l = Math.exp(-mean);
    let k = 0;
    for (let p = next(); p > l; p *= next()) k++;
    return k;
  };
  return { next, poisson };
}

const SHARE = { telegram: 0.45, whatsapp: 0.2, web: 0.25, phone: 0.1 } as const;
const WEEK = [1.08, 1.06, 1.02, 0.98, 0.95, 0.86, 1.05]; // Monday … Sunday

/**
 * Five months of first contacts before the demo's own cases, with a weekly rhythm, overdispersion
 * (a gamma-ish day factor) and a publicised defection that raised requests by about 70 % for two
 * weeks, and the events a supervisor would have recorded: the charts and the impact estimate then
 * look like a hotline's.
 */
export async function loadDemoHistory(ctx: AppContext, supervisorId: string): Promise<{ days: number; events: number }> {
  const end = Date.parse(`${(await firstOwnDay(ctx)) ?? iso(ctx.now().getTime())}T00:00:00Z`) - DAY_MS;
  const DAYS = 150;
  const start = end - (DAYS - 1) * DAY_MS;
  const operation = end - 60 * DAY_MS;
  const outage = end - 25 * DAY_MS;
  const r = prng(1517);
  const dates: string[] = [];
  const totals: number[] = [];
  for (let t = start; t <= end; t += DAY_MS) {
    const weekday = (new Date(t).getUTCDay() + 6) % 7;
    const since = (t - operation) / DAY_MS;
    const lift = since >= 0 && since < 14 ? 1.7 : since >= 14 && since < 28 ? 1.7 - (0.55 * (since - 14)) / 14 : since >= 28 ? 1.15 : 1;
    const dip = t === outage ? 0.45 : 1;
    const mood = 0.8 + r.next() * 0.4; // overdispersion: some days are just busier
    dates.push(iso(t));
    totals.push(r.poisson(13 * WEEK[weekday]! * lift * dip * mood * (1 + (0.1 * (t - start)) / (end - start))));
  }
  for (const [channel, share] of Object.entries(SHARE)) {
    const counts = totals.map((n) => Math.round(n * share + (r.next() - 0.5)));
    await importHistory(ctx, channel, dates, counts.map((n) => Math.max(0, n)));
  }
  const events = [
    { day: iso(operation), kind: "operation", note: texts.operation },
    { day: iso(start + 30 * DAY_MS), kind: "campaign", note: texts.campaign },
    { day: iso(outage), kind: "outage", note: texts.outage },
    { day: iso(end - 100 * DAY_MS), kind: "holiday", note: texts.holiday },
  ];
  await ctx.db.insert(analyticsEvents).values(events.map((e) => ({ ...e, createdBy: supervisorId, createdAt: ctx.now() })));
  return { days: DAYS, events: events.length };
}
