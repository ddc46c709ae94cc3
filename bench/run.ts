/**
 * `npm run bench`: every performance figure of Safe Passage, printed as one table, with ratios
 * against baselines measured in the same run (hello-world HTTP; PostgreSQL for storage).
 * BENCH_SECONDS sets the length of each timed load (default 3). Names after `--` run only those
 * benches (`npm run bench -- analytics cases`; BENCH_ONLY=analytics,cases does the same): the full
 * run takes long, and a change to one capability needs only its own figures.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { printTable, type BenchRow } from "./table.js";
import { benchStorage } from "./storage.bench.js";
import { benchChannels } from "./channels.bench.js";
import { benchCrypto } from "./crypto.bench.js";
import { helloBaseline, httpRow, load } from "./http.bench.js";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildPublicApp, buildStaffApp } from "../src/server/app.js";
import { benchCases } from "./cases.bench.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rows: BenchRow[] = [];

async function benchOurHttp(base: Awaited<ReturnType<typeof helloBaseline>>["load"]): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-http-"));
  const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
  const pub = await buildPublicApp(ctx);
  const staff = await buildStaffApp(ctx);
  try {
    const pubUrl = await pub.listen({ host: "127.0.0.1", port: 0 });
    const staffUrl = await staff.listen({ host: "127.0.0.1", port: 0 });
    return [
      httpRow("GET /healthz, public listener (helmet, CSP, error shape)", await load(`${pubUrl}/healthz`, seconds), base),
      httpRow("GET /readyz, staff listener (one PGlite query)", await load(`${staffUrl}/readyz`, seconds), base),
    ];
  } finally {
    await pub.close();
    await staff.close();
    await ctx.database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every bench by name, in the order of the full run. */
const BENCHES: Record<string, () => Promise<BenchRow[]>> = {
  http: async () => {
    const hello = await helloBaseline(seconds);
    return [hello.row, ...(await benchOurHttp(hello.load))];
  },
  storage: () => benchStorage(seconds),
  // Inbox and search at hotline scale (BENCH_CASES_PGLITE=100000, BENCH_CASES_PG=1000000; 0 skips one).
  cases: () => benchCases(),
  // Issue 17: search p95 per combination on lopsided data, public GET / while 4 searches run, RSS over thread reads.
  availability: async () => (await import("./availability.bench.js")).benchAvailability(),
  "thread-memory": async () => (await import("./thread-memory.bench.js")).benchThreadMemory(),
  // Issue 16: a fresh `serve` process to both /readyz with 100k cases embedded (BENCH_START_CASES).
  start: async () => (await import("./start.bench.js")).benchStart(),
  // Issue 16: the operators' p99 and the server's memory while 24 clients flood the intake (BENCH_FLOOD_CASES).
  flood: async () => (await import("./flood.bench.js")).benchFlood(),
  channels: () => benchChannels(seconds),
  crypto: () => benchCrypto(),
  intake: async () => (await import("./intake.bench.js")).benchIntake(seconds),
  // The proof of work: what an accepted fake request costs the server, a native attacker and a browser.
  pow: async () => (await import("./pow.bench.js")).benchPow(),
  // The numbers: bulk load, rebuild-rollups, dashboard latency (BENCH_ANALYTICS_MESSAGES_PG=10000000, _PGLITE=1000000), rollup cost per inbound message.
  analytics: async () => (await import("./analytics.bench.js")).benchAnalytics(),
};

const asked = [...process.argv.slice(2), ...(process.env.BENCH_ONLY ?? "").split(",")].map((n) => n.trim()).filter(Boolean);
const unknown = asked.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`npm run bench: no bench named ${unknown.join(", ")}; the benches are ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
const started = Date.now();
for (const [name, bench] of Object.entries(BENCHES)) if (asked.length === 0 || asked.includes(name)) rows.push(...(await bench()));

console.log(`\nSafe Passage benchmarks${asked.length ? ` (${asked.join(", ")} only)` : ""} (${os.cpus().length} cores, Node ${process.version}, ${seconds} s per load, ${((Date.now() - started) / 1000).toFixed(0)} s in all)\n`);
printTable(rows);
