import { z } from "zod";
import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";
import { CHANNELS } from "../../shared/case-states.js";

/**
 * Statistical disclosure control for the public page: a count from 1 to threshold − 1 is
 * published only as "fewer than threshold", every other count rounded to the nearest `base`, and
 * every total is the sum of the published cells (a suppressed cell adds 0), so that no small count
 * can be recovered by subtracting one published figure from another. Only completed months: a
 * running month's figure, read day after day, would show single arrivals by its changes. Nothing
 * finer than month × channel is published.
 */
export interface StatsSettings {
  enabled: boolean;
  threshold: number;
  base: number;
}

const schema = z.object({
  enabled: z.enum(["on", "off"]).default("off"),
  threshold: z.coerce.number().int().min(2).max(1000).default(10),
  base: z.coerce.number().int().min(1).max(1000).default(5),
});

/** PUBLIC_STATS=on, PUBLIC_STATS_THRESHOLD, PUBLIC_STATS_ROUNDING (README); off unless set. */
export function loadStatsSettings(env: NodeJS.ProcessEnv = process.env): StatsSettings {
  const r = schema.safeParse({ enabled: env.PUBLIC_STATS || undefined, threshold: env.PUBLIC_STATS_THRESHOLD || undefined, base: env.PUBLIC_STATS_ROUNDING || undefined });
  if (!r.success) throw new Error(`invalid configuration: PUBLIC_STATS*: ${r.error.issues.map((i) => i.message).join("; ")}`);
  // A rounding base at or above the threshold would publish small cells as a multiple of base anyway; keep base below.
  if (r.data.base >= r.data.threshold) throw new Error("invalid configuration: PUBLIC_STATS_ROUNDING must be below PUBLIC_STATS_THRESHOLD");
  return { enabled: r.data.enabled === "on", threshold: r.data.threshold, base: r.data.base };
}

/** A published cell: a rounded number, or "fewer than threshold". */
export type Cell = { value: number } | { fewer: true };

export function protect(n: number, s: Pick<StatsSettings, "threshold" | "base">): Cell {
  if (n > 0 && n < s.threshold) return { fewer: true };
  const rounded = Math.round(n / s.base) * s.base;
  // Rounding must not bring a count at the threshold back below it (11 → 10 is fine; with base 5, 10 stays 10).
  return { value: Math.max(rounded, n >= s.threshold ? Math.ceil(s.threshold / s.base) * s.base : 0) };
}

/** The sum of published cells; "fewer" only when the whole is nothing but suppressed cells. */
export function totalOf(cells: Cell[]): Cell {
  const sum = cells.reduce((s, c) => s + ("value" in c ? c.value : 0), 0);
  return sum === 0 && cells.some((c) => "fewer" in c) ? { fewer: true } : { value: sum };
}

export interface PublicStats {
  channels: string[];
  months: { month: string; cells: Cell[]; total: Cell }[];
  channelTotals: Cell[];
  total: Cell;
}

/** First contacts by completed month and channel, protected. */
export async function readPublicStats(ctx: Pick<AppContext, "db" | "now">, s: StatsSettings): Promise<PublicStats> {
  const monthStart = ctx.now().toISOString().slice(0, 7) + "-01";
  const rows = await rowsOf<{ month: string; channel: string; n: number }>(
    ctx.db,
    sql`SELECT to_char(day, 'YYYY-MM') AS month, channel, sum(n)::int AS n FROM analytics_daily
         WHERE metric = 'first_contact' AND day < ${monthStart}::date GROUP BY 1, 2 ORDER BY 1`,
  );
  const channels = [...CHANNELS];
  const byMonth = new Map<string, number[]>();
  for (const r of rows) {
    const row = byMonth.get(r.month) ?? channels.map(() => 0);
    const i = channels.indexOf(r.channel as (typeof CHANNELS)[number]);
    if (i >= 0) row[i]! += r.n;
    byMonth.set(r.month, row);
  }
  const months = [...byMonth].map(([month, counts]) => {
    const cells = counts.map((n) => protect(n, s));
    return { month, cells, total: totalOf(cells) };
  });
  const channelTotals = channels.map((_, i) => totalOf(months.map((m) => m.cells[i]!)));
  return { channels, months, channelTotals, total: totalOf(channelTotals) };
}
