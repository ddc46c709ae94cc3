/**
 * Inbox and search latency at hotline scale: 100k cases on PGlite and 1M on PostgreSQL (sizes
 * from BENCH_CASES_PGLITE / BENCH_CASES_PG), seeded by seed-cases.ts, measured through the real
 * staff HTTP routes (TCP, session cookie, guard, scope, SQL, serialisation) as a signed-in operator
 * of the intake team. Requests run one after another: this is latency, not throughput.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildStaffApp } from "../src/server/app.js";
import type { AppContext } from "../src/server/context.js";
import { freshPostgresDatabase } from "../test/support/store.js";
import { advancingClock, createFirstAdmin, createStaff } from "../test/support/staff.js";
import { seedCases, type KnownApplicant } from "./seed-cases.js";
import { percentile, type BenchRow } from "./table.js";

const REQUESTS = Number(process.env.BENCH_CASE_REQUESTS ?? 200);
const GOAL_P95_MS = 50;

async function timed(url: string, cookie: string, n: number, next: (i: number) => string): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = -20; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${next(i)}`, { headers: { cookie: `sp_staff=${cookie}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${next(i)}: HTTP ${res.status} ${body.slice(0, 200)}`);
    if (i >= 0) times.push(performance.now() - t0); // the first 20 warm up
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function measure(ctx: AppContext, label: string, count: number): Promise<BenchRow[]> {
  const clock = advancingClock(ctx);
  const app = await buildStaffApp(ctx);
  try {
    const admin = await createFirstAdmin(app, ctx, clock);
    const op = await createStaff(app, ctx, admin, "operator", "bench.operator", clock);
    await admin.request("GET", "/api/auth/session"); // the custodian online: the operator gets the intake key
    // Keep the clock real from here: sessions must not look idle while the seeding runs.
    ctx.now = () => new Date();
    const t0 = performance.now();
    const known: KnownApplicant[] = await seedCases(ctx, count, { assignTo: op.userId });
    const seeded = (performance.now() - t0) / 1000;
    const refresh = await app.inject({ method: "GET", url: "/api/auth/session", headers: { cookie: `sp_staff=${op.cookie}` } });
    if (refresh.statusCode !== 200) throw new Error("the bench operator's session ended during seeding");
    const url = await app.listen({ host: "127.0.0.1", port: 0 });

    const first = await fetch(`${url}/api/cases?limit=50`, { headers: { cookie: `sp_staff=${op.cookie}` } }).then((r) => r.json() as Promise<{ nextCursor: string }>);
    const page2 = first.nextCursor;
    const deep = await fetch(`${url}/api/cases?limit=50&cursor=${page2}`, { headers: { cookie: `sp_staff=${op.cookie}` } }).then((r) => r.json() as Promise<{ nextCursor: string }>);
    const pick = (i: number) => known[((i + 1000) * 7919 + 13) % known.length]!;
    const cases = [
      { name: "inbox, first page (50 rows)", path: () => "/api/cases?limit=50" },
      { name: "inbox, next page (keyset cursor)", path: (i: number) => `/api/cases?limit=50&cursor=${i % 2 ? page2 : deep.nextCursor}` },
      { name: "inbox, filtered (Telegram, unassigned)", path: () => "/api/cases?limit=50&channel=telegram&assigned=none" },
      { name: "inbox, answered part (closed, by last activity)", path: () => "/api/cases?limit=50&state=closed" },
      { name: "search by phone (blind index)", path: (i: number) => `/api/cases/search?phone=${encodeURIComponent(pick(i).phone)}` },
      { name: "search by name (blind index + name words)", path: (i: number) => `/api/cases/search?name=${encodeURIComponent(pick(i).name)}` },
    ];
    const rows: BenchRow[] = [];
    for (const c of cases) {
      const r = await timed(url, op.cookie, REQUESTS, c.path);
      rows.push({
        section: "cases",
        name: `${c.name}, ${label}`,
        value: r.p95,
        unit: "ms p95",
        ratio: r.p95 <= GOAL_P95_MS ? `≤ ${GOAL_P95_MS} ms goal: met` : `≤ ${GOAL_P95_MS} ms goal: MISSED`,
        note: `p50 ${r.p50.toFixed(1)} ms, ${REQUESTS} requests; seeded ${count.toLocaleString("en-US")} cases in ${seeded.toFixed(0)} s`,
      });
    }
    return rows;
  } finally {
    await app.close();
  }
}

export async function benchCases(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const pgliteCount = Number(process.env.BENCH_CASES_PGLITE ?? 100_000);
  const pgCount = Number(process.env.BENCH_CASES_PG ?? 1_000_000);
  if (pgliteCount > 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-cases-"));
    const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
    try {
      rows.push(...(await measure(ctx, `PGlite ${pgliteCount / 1000}k`, pgliteCount)));
    } finally {
      await ctx.database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (pgCount > 0) {
    const pgdb = await freshPostgresDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-cases-pg-"));
    const ctx = await openContext(loadConfig({ dataDir: dir, databaseUrl: pgdb.url, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
    try {
      rows.push(...(await measure(ctx, `PostgreSQL ${pgCount >= 1e6 ? `${pgCount / 1e6}M` : `${pgCount / 1000}k`}`, pgCount)));
    } finally {
      await ctx.database.close();
      await pgdb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

// Run alone: `npx tsx bench/cases.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./table.js");
  printTable(await benchCases());
}
