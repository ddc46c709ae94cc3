/**
 * `npm run bench`: every performance figure of Safe Passage, printed as one table, with ratios
 * against baselines measured in the same run (hello-world HTTP; PostgreSQL for storage).
 * BENCH_SECONDS sets the length of each timed load (default 3).
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

async function benchOurHttp(base: Awaited<ReturnType<typeof helloBaseline>>["load"]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-http-"));
  const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
  const pub = await buildPublicApp(ctx);
  const staff = await buildStaffApp(ctx);
  try {
    const pubUrl = await pub.listen({ host: "127.0.0.1", port: 0 });
    const staffUrl = await staff.listen({ host: "127.0.0.1", port: 0 });
    rows.push(httpRow("GET /healthz, public listener (helmet, CSP, error shape)", await load(`${pubUrl}/healthz`, seconds), base));
    rows.push(httpRow("GET /readyz, staff listener (one PGlite query)", await load(`${staffUrl}/readyz`, seconds), base));
  } finally {
    await pub.close();
    await staff.close();
    await ctx.database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const started = Date.now();
const hello = await helloBaseline(seconds);
rows.push(hello.row);
await benchOurHttp(hello.load);
rows.push(...(await benchStorage(seconds)));
// Inbox and search at hotline scale (BENCH_CASES_PGLITE=100000, BENCH_CASES_PG=1000000; 0 skips one).
rows.push(...(await benchCases()));
// Issue 17: search p95 per combination on lopsided data, public GET / while 4 searches run, RSS over thread reads.
rows.push(...(await (await import("./availability.bench.js")).benchAvailability()));
rows.push(...(await (await import("./thread-memory.bench.js")).benchThreadMemory()));
rows.push(...(await benchChannels(seconds)));
rows.push(...(await benchCrypto()));
rows.push(...(await (await import("./intake.bench.js")).benchIntake(seconds)));
// The proof of work: what an accepted fake request costs the server, a native attacker and a browser.
rows.push(...(await (await import("./pow.bench.js")).benchPow()));
// The numbers: rollup cost per inbound message, dashboard latency (BENCH_ANALYTICS_MESSAGES_PG=10000000, _PGLITE=1000000).
rows.push(...(await (await import("./analytics.bench.js")).benchAnalytics()));

console.log(`\nSafe Passage benchmarks (${os.cpus().length} cores, Node ${process.version}, ${seconds} s per load, ${((Date.now() - started) / 1000).toFixed(0)} s in all)\n`);
printTable(rows);
