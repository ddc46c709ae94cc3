/**
 * The numbers: what the rollup triggers add to each inbound message, and the dashboard's latency
 * at hotline scale. The store really holds the messages: BENCH_ANALYTICS_MESSAGES_PG (10M) /
 * _PGLITE (1M) messages rows over three years on four channels with a weekly rhythm and a slow
 * rise, a tenth as many cases walked part of the way through the funnel (their case_events), and
 * old cases closed. They are loaded in SQL (INSERT ... SELECT generate_series) with the analytics
 * triggers off, as a bulk import would be, and the rollups are then rebuilt by the same
 * rebuildRollups as `safe-passage analytics rebuild-rollups`. Requests go through the real staff
 * routes (guard, session, zod, SQL, serialisation) one after another. Message bodies are one
 * byte: the dashboard never reads them, and ciphertext-sized bodies would only lengthen the load.
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
import { rowsOf } from "../src/server/db/index.js";
import { rebuildRollups } from "../src/server/analytics/rebuild.js";

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

const TRIGGERS = [
  ["cases", "analytics_case_opened"],
  ["messages", "analytics_message"],
  ["case_events", "analytics_case_event"],
] as const;

interface Seeded { cases: number; events: number; messages: number; seconds: number }

/**
 * Cases (a tenth of the messages) spread over three years, more on weekdays and slowly rising,
 * on the four channels (Telegram the most). Each walks part of the way through the funnel, one
 * step every 2 hours to 10 days, never past now; rejected ones stop at the verdict, and cases
 * older than 120 days are closed, so the backlog is what a hotline carries. Each case has 2 to
 * 18 messages, in and out by turns, minutes apart: the first reply is the first response.
 */
async function seed(ctx: AppContext, messages: number): Promise<Seeded> {
  const cases = Number(process.env.BENCH_ANALYTICS_CASES ?? Math.round(messages / 10));
  const x = (q: ReturnType<typeof sql>) => ctx.db.execute(q);
  const t0 = performance.now();
  for (const [table, trigger] of TRIGGERS) await x(sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`));
  try {
    await x(sql`DROP TABLE IF EXISTS bench_seed`);
    await x(sql`CREATE TABLE bench_seed AS
      WITH days AS (
        SELECT d, date_trunc('day', now()) - (${DAYS - 1} - d) * interval '1 day' AS start FROM generate_series(0, ${DAYS - 1}) d
      ), weights AS (
        SELECT start, (ARRAY[1.12, 1.08, 1.04, 1.0, 0.96, 0.82, 0.98])[extract(isodow FROM start)::int] * (0.7 + 0.6 * d / ${DAYS}) AS w FROM days
      ), per_day AS (
        SELECT start, round(${cases} * w / sum(w) OVER ())::int AS n FROM weights
      ), raw AS (
        SELECT gen_random_uuid() AS id, (ARRAY['telegram','telegram','telegram','whatsapp','whatsapp','web','web','phone'])[1 + floor(random() * 8)::int] AS channel,
               least(now(), start + random() * interval '1 day') AS created_at, interval '1 hour' * (2 + random() * 238) AS gap,
               interval '1 minute' * (1 + power(random(), 3) * 720) AS reply_gap, 2 + floor(random() * 17)::int AS nmsg, random() AS r
          FROM per_day, generate_series(1, n)
      ), planned AS (
        SELECT *, CASE WHEN r < 0.25 THEN ARRAY['new','in_contact']
                       WHEN r < 0.45 THEN ARRAY['new','in_contact','preliminary']
                       WHEN r < 0.55 THEN ARRAY['new','in_contact','preliminary','verifying']
                       WHEN r < 0.65 THEN ARRAY['new','in_contact','preliminary','verifying','rejected']
                       WHEN r < 0.75 THEN ARRAY['new','in_contact','preliminary','verifying','verified','planning']
                       WHEN r < 0.85 THEN ARRAY['new','in_contact','preliminary','verifying','verified','planning','scheduled','handed_over']
                       ELSE ARRAY['new','in_contact','preliminary','verifying','verified','planning','scheduled','handed_over','registered_pow'] END
                  || CASE WHEN created_at < now() - interval '120 days' THEN ARRAY['closed'] ELSE ARRAY[]::text[] END AS full_path
          FROM raw
      )
      SELECT id, channel, created_at, gap, reply_gap, nmsg,
             full_path[1 : 1 + least(array_length(full_path, 1) - 1, floor(extract(epoch FROM now() - created_at) / extract(epoch FROM gap))::int)] AS path
        FROM planned`);
    await x(sql`INSERT INTO cases (id, state, channel, team_id, created_at, updated_at)
      SELECT id, path[array_length(path, 1)], channel, 'intake', created_at, created_at + (array_length(path, 1) - 1) * gap FROM bench_seed`);
    await x(sql`INSERT INTO case_events (case_id, at, kind, from_state, to_state)
      SELECT id, created_at + (i - 1) * gap, 'transition', path[i - 1], path[i] FROM bench_seed, generate_series(2, array_length(path, 1)) i`);
    await x(sql`INSERT INTO messages (case_id, direction, channel, body, created_at)
      SELECT id, CASE WHEN j % 2 = 1 THEN 'in' ELSE 'out' END, channel, decode('00', 'hex'), created_at + (j - 1) * reply_gap
        FROM bench_seed, generate_series(1, nmsg) j WHERE created_at + (j - 1) * reply_gap <= now()`);
    await x(sql`DROP TABLE bench_seed`);
  } finally {
    for (const [table, trigger] of TRIGGERS) await x(sql.raw(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`));
  }
  // What autovacuum would have done by the time anyone looks at a dashboard: statistics for the planner.
  await x(sql`VACUUM ANALYZE cases`);
  await x(sql`VACUUM ANALYZE case_events`);
  await x(sql`VACUUM ANALYZE messages`);
  const seconds = (performance.now() - t0) / 1000;
  const [n] = await rowsOf<Omit<Seeded, "seconds">>(ctx.db, sql`SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_events)::int AS events, (SELECT count(*) FROM messages)::int AS messages`);
  return { ...n!, seconds };
}

const ROUTES = (ago: (d: number) => string, today: string) =>
  [
    ["dashboard, 90 days, all channels", `/api/analytics/dashboard?from=${ago(89)}&to=${today}`],
    ["dashboard, 365 days, Telegram", `/api/analytics/dashboard?from=${ago(364)}&to=${today}&channel=telegram`],
    ["dashboard, 400 days (the widest allowed), all channels", `/api/analytics/dashboard?from=${ago(399)}&to=${today}`],
    ["CSV of contacts, 365 days", `/api/analytics/export/contacts?from=${ago(364)}&to=${today}`],
  ] as const;

async function measure(ctx: AppContext, label: string, messages: number): Promise<BenchRow[]> {
  const clock = advancingClock(ctx);
  const app = await buildStaffApp(ctx);
  try {
    const admin = await createFirstAdmin(app, ctx, clock);
    const sup = await createStaff(app, ctx, admin, "supervisor", "bench.supervisor", clock);
    ctx.now = () => new Date();
    const seeded = await seed(ctx, messages);
    const t0 = performance.now();
    const rebuilt = await rebuildRollups(ctx);
    const rebuildSeconds = (performance.now() - t0) / 1000;
    const [rollup] = await rowsOf<{ daily: number; durations: number }>(ctx.db, sql`SELECT (SELECT count(*) FROM analytics_daily)::int AS daily, (SELECT count(*) FROM analytics_durations)::int AS durations`);
    const fmt = (n: number) => n.toLocaleString("en-US");
    const rows: BenchRow[] = [
      { section: "analytics", name: `bulk load in SQL, triggers off, ${label}`, value: seeded.seconds, unit: "s", ratio: `${fmt(Math.round(seeded.messages / seeded.seconds))} messages/s`, note: `${fmt(seeded.messages)} messages, ${fmt(seeded.cases)} cases, ${fmt(seeded.events)} case events over ${DAYS} days, then VACUUM ANALYZE` },
      { section: "analytics", name: `rebuild-rollups, ${label}`, value: rebuildSeconds, unit: "s", ratio: `${fmt(Math.round(seeded.messages / rebuildSeconds))} messages/s`, note: `${fmt(rebuilt.written)} rollup rows written (${fmt(rollup!.daily)} daily, ${fmt(rollup!.durations)} durations)` },
    ];
    const today = new Date().toISOString().slice(0, 10);
    const ago = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    for (const [name, url] of ROUTES(ago, today)) {
      const times: number[] = [];
      for (let i = -10; i < REQUESTS; i++) {
        const t = performance.now();
        const r = await app.inject({ method: "GET", url, headers: { cookie: `sp_staff=${sup.cookie}` } });
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
        if (i >= 0) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      rows.push({ section: "analytics", name: `${name}, ${label}`, value: p95, unit: "ms p95", ratio: p95 <= GOAL_P95_MS ? `≤ ${GOAL_P95_MS} ms goal: met` : `≤ ${GOAL_P95_MS} ms goal: MISSED`, note: `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ${REQUESTS} requests one after another` });
    }
    // On the loaded store: the rollup rows and the messages index are at their full size.
    rows.push(await rollupCost(ctx, label));
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
