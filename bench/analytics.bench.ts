/**
 * The numbers: what the rollup triggers add to each inbound message, and the dashboard's latency
 * at hotline scale. The dashboard reads only the daily rollups (days × channels × metrics rows,
 * whatever the number of messages) and the cases' state column for the backlog; so the store is
 * seeded with the rollup rows that BENCH_ANALYTICS_MESSAGES_PG (10M) / _PGLITE (1M) messages over
 * three years leave, and with cases (a tenth of the messages) for the backlog. Requests go through
 * the real staff routes (guard, session, zod, SQL, serialisation) one after another.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildStaffApp } from "../src/server/app.js";
import type { AppContext } from "../src/server/context.js";
import { freshPostgresDatabase } from "../test/support/store.js";
import { advancingClock, createFirstAdmin, createStaff } from "../test/support/staff.js";
import { percentile, type BenchRow } from "./table.js";

const GOAL_P95_MS = 300;
const REQUESTS = Number(process.env.BENCH_ANALYTICS_REQUESTS ?? 100);
const INSERTS = Number(process.env.BENCH_ANALYTICS_INSERTS ?? 2000);
const DAYS = 3 * 365;

/** Per inbound message, in its own transaction, with and without the rollup trigger. */
async function rollupCost(ctx: AppContext, label: string): Promise<BenchRow> {
  await ctx.db.execute(sql`INSERT INTO cases (id, state, channel, team_id) VALUES ('00000000-0000-4000-8000-00000000b001', 'new', 'telegram', 'intake')`);
  const run = async () => {
    const t0 = performance.now();
    for (let i = 0; i < INSERTS; i++)
      await ctx.db.transaction((tx) => tx.execute(sql`INSERT INTO messages (case_id, direction, channel, body, created_at) VALUES ('00000000-0000-4000-8000-00000000b001', 'in', 'telegram', '\\x00', now() - (${i % 90} || ' days')::interval)`));
    return (performance.now() - t0) / INSERTS;
  };
  await run(); // warm up
  await ctx.db.execute(sql`ALTER TABLE messages DISABLE TRIGGER analytics_message`);
  const without = await run();
  await ctx.db.execute(sql`ALTER TABLE messages ENABLE TRIGGER analytics_message`);
  const withTrigger = await run();
  return {
    section: "analytics",
    name: `rollup cost per inbound message, ${label}`,
    value: (withTrigger - without) * 1000,
    unit: "µs",
    ratio: `${((withTrigger / without - 1) * 100).toFixed(0)} % of an insert`,
    note: `${INSERTS} single-message transactions: ${without.toFixed(3)} ms without the trigger, ${withTrigger.toFixed(3)} ms with it`,
  };
}

async function seed(ctx: AppContext, messages: number): Promise<void> {
  // Cases, a tenth of the messages, over three years on the four channels and in every state (the triggers count them).
  const cases = Number(process.env.BENCH_ANALYTICS_CASES ?? Math.round(messages / 10));
  await ctx.db.execute(sql`INSERT INTO cases (state, channel, team_id, created_at)
    SELECT (ARRAY['new','in_contact','preliminary','verifying','verified','rejected','planning','scheduled','handed_over','registered_pow','closed','closed','closed'])[1 + (i % 13)],
           (ARRAY['telegram','telegram','whatsapp','web','phone'])[1 + (i % 5)], 'intake', now() - ((i % ${DAYS}) || ' days')::interval
      FROM generate_series(1, ${cases}) i`);
  // The rest of what the messages and moves leave in the rollups.
  const perDay = Math.round(messages / DAYS / 4);
  await ctx.db.execute(sql`INSERT INTO analytics_daily (day, channel, metric, key, n)
    SELECT d::date, c, m.metric, m.key, greatest(1, round(${perDay} * m.share * (0.8 + random() * 0.4)))::int
      FROM generate_series(now() - ${DAYS} * interval '1 day', now(), interval '1 day') d, unnest(ARRAY['telegram','whatsapp','web','phone']) c,
           (VALUES ('inbound', '', 0.6), ('outbound', '', 0.4), ('transition', 'verifying', 0.02), ('transition', 'verified', 0.015), ('transition', 'handed_over', 0.01), ('transition', 'registered_pow', 0.008), ('verdict', 'verified', 0.015), ('verdict', 'rejected', 0.005)) AS m(metric, key, share)
    ON CONFLICT DO NOTHING`);
  await ctx.db.execute(sql`INSERT INTO analytics_durations (day, channel, metric, bucket, n, total_seconds, within_sla)
    SELECT d::date, c, m, b, 1 + (random() * 5)::int, 60 * 2 ^ b, CASE WHEN m = 'first_response' AND b <= 3 THEN 1 ELSE 0 END
      FROM generate_series(now() - ${DAYS} * interval '1 day', now(), interval '1 day') d, unnest(ARRAY['telegram','whatsapp','web','phone']) c,
           unnest(ARRAY['first_response','to_verified','to_handed_over','to_registered']) m, generate_series(0, 16) b
    ON CONFLICT DO NOTHING`);
}

async function measure(ctx: AppContext, label: string, messages: number): Promise<BenchRow[]> {
  const clock = advancingClock(ctx);
  const app = await buildStaffApp(ctx);
  try {
    const admin = await createFirstAdmin(app, ctx, clock);
    const sup = await createStaff(app, ctx, admin, "supervisor", "bench.supervisor", clock);
    const rows = [await rollupCost(ctx, label)];
    ctx.now = () => new Date();
    const t0 = performance.now();
    await seed(ctx, messages);
    const seeded = (performance.now() - t0) / 1000;
    const today = new Date().toISOString().slice(0, 10);
    const ago = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    for (const [name, url] of [
      ["dashboard, 90 days, all channels", `/api/analytics/dashboard?from=${ago(89)}&to=${today}`],
      ["dashboard, 365 days, Telegram", `/api/analytics/dashboard?from=${ago(364)}&to=${today}&channel=telegram`],
      ["CSV of contacts, 365 days", `/api/analytics/export/contacts?from=${ago(364)}&to=${today}`],
    ] as const) {
      const times: number[] = [];
      for (let i = -10; i < REQUESTS; i++) {
        const t = performance.now();
        const r = await app.inject({ method: "GET", url, headers: { cookie: `sp_staff=${sup.cookie}` } });
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        if (i >= 0) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      rows.push({ section: "analytics", name: `${name}, ${label}`, value: p95, unit: "ms p95", ratio: p95 <= GOAL_P95_MS ? `≤ ${GOAL_P95_MS} ms goal: met` : `≤ ${GOAL_P95_MS} ms goal: MISSED`, note: `p50 ${percentile(times, 50).toFixed(1)} ms, ${REQUESTS} requests; rollups of ${messages.toLocaleString("en-US")} messages and ${Number(process.env.BENCH_ANALYTICS_CASES ?? messages / 10).toLocaleString("en-US")} cases seeded in ${seeded.toFixed(0)} s` });
    }
    return rows;
  } finally {
    await app.close();
  }
}

export async function benchAnalytics(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const pglite = Number(process.env.BENCH_ANALYTICS_MESSAGES_PGLITE ?? 1_000_000);
  const pg = Number(process.env.BENCH_ANALYTICS_MESSAGES_PG ?? 10_000_000);
  const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`);
  if (pglite > 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-analytics-"));
    const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
    try {
      rows.push(...(await measure(ctx, `PGlite, ${size(pglite)} messages`, pglite)));
    } finally {
      await ctx.database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (pg > 0) {
    const pgdb = await freshPostgresDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-analytics-pg-"));
    const ctx = await openContext(loadConfig({ dataDir: dir, databaseUrl: pgdb.url, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
    try {
      rows.push(...(await measure(ctx, `PostgreSQL, ${size(pg)} messages`, pg)));
    } finally {
      await ctx.database.close();
      await pgdb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

// Run alone: `npx tsx bench/analytics.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./table.js");
  printTable(await benchAnalytics());
}
