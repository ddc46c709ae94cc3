/**
 * Issue 16: the staff side while the public intake is flooded at its limit. On PGlite with
 * BENCH_FLOOD_CASES cases (default 20,000), an operator's requests are timed one after another,
 * idle and then while BENCH_FLOOD_CLIENTS (24) applicants post the web form as fast as the server
 * takes them (proof of work off: the raw cost of a request, each from its own address).
 * Goals: operator p99 under the flood ≤ 2× idle; resident memory ≤ 600 MB.
 * The flooding clients run in a process of their own (flood-clients.ts); the server's memory is this process's.
 * Two operator requests: the inbox (database only) and a search by phone (one Argon2id run, which
 * queues with the intake's own Argon2id work).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildStaffApp } from "../src/server/app.js";
import { listenBoth, timedGet, timedSeries } from "./servers.js";
import { advancingClock, createFirstAdmin, createStaff } from "../test/support/staff.js";

import { seedCases } from "./seed-cases.js";
import type { BenchRow } from "./table.js";

const RSS_GOAL_MB = 600;

export async function benchFlood(): Promise<BenchRow[]> {
  const count = Number(process.env.BENCH_FLOOD_CASES ?? 20_000);
  const clients = Number(process.env.BENCH_FLOOD_CLIENTS ?? 24);
  const n = Number(process.env.BENCH_FLOOD_REQUESTS ?? 300);
  if (count <= 0) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-flood-"));
  // Seeded by a process of its own, so the memory measured is that of a server that opened a
  // store of this size, as in production, not of the one that wrote it.
  const seeded = spawnSync(process.execPath, ["--import", "tsx", path.resolve("bench/flood.bench.ts"), "--seed", dir, String(count)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (seeded.status !== 0) throw new Error("seeding the flood bench's store failed");
  const seed = JSON.parse(seeded.stdout.trim().split("\n").pop()!) as { cookie: string; phones: string[] };
  const ctx = await openContext(config(dir));
  const servers = await listenBoth(ctx);
  const { staffUrl, pubUrl } = servers;
  servers.pub.intakeFlood!.setMode("off");
  const rows: BenchRow[] = [];
  try {
    const headers = { cookie: `sp_staff=${seed.cookie}` };
    let i = 0;
    const get = (url: string) => () => timedGet(url, headers);
    const requests = [
      { name: "inbox, first page", fn: get(`${staffUrl}/api/cases?limit=50`) },
      { name: "search by phone (one Argon2id)", fn: () => get(`${staffUrl}/api/cases/search?phone=${encodeURIComponent(seed.phones[i++ % seed.phones.length]!)}`)() },
    ];
    const idle: { p50: number; p99: number }[] = [];
    for (const r of requests) {
      await timedSeries(20, r.fn);
      idle.push(await timedSeries(n, r.fn));
    }
    const idleRss = process.memoryUsage().rss;

    const flooders = spawn(process.execPath, ["--import", "tsx", path.resolve("bench/flood-clients.ts"), `${pubUrl}/request`, String(clients)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    flooders.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => flooders.on("exit", resolve));
    while (!out.includes("flooding")) await new Promise((r) => setTimeout(r, 50));
    let peakRss = 0;
    let atPeak = process.memoryUsage();
    const LOOP_TICK_MS = 10;
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
    loopDelay.enable();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > peakRss) [peakRss, atPeak] = [m.rss, m];
    }, 100);
    await new Promise((r) => setTimeout(r, 3000)); // the flood in full before the timing starts
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const loaded: { p50: number; p99: number }[] = [];
    for (const r of requests) loaded.push(await timedSeries(n, r.fn));
    const timedSeconds = (performance.now() - t0) / 1000;
    const floodSeconds = timedSeconds + 3;
    const cpu = process.cpuUsage(cpu0);
    const serverCores = (cpu.user + cpu.system) / 1e6 / timedSeconds;
    flooders.kill("SIGTERM");
    if ((await exited) !== 0) throw new Error("the flooding clients failed");
    clearInterval(sampler);
    loopDelay.disable();
    const { statuses, cpuSeconds, seconds } = JSON.parse(out.trim().split("\n").pop()!) as { statuses: Record<string, number>; cpuSeconds: number; seconds: number };
    const accepted = statuses[201] ?? 0;
    const refused = (statuses[429] ?? 0) + (statuses[503] ?? 0);

    requests.forEach((r, k) => {
      const ratio = loaded[k]!.p99 / idle[k]!.p99;
      rows.push({ section: "flood", name: `operator ${r.name}, p99 idle`, value: idle[k]!.p99, unit: "ms p99", note: `p50 ${idle[k]!.p50.toFixed(1)} ms, ${n} requests, PGlite ${count / 1000}k cases` });
      rows.push({
        section: "flood",
        name: `operator ${r.name}, p99 while ${clients} clients flood the intake`,
        value: loaded[k]!.p99,
        unit: "ms p99",
        ratio: `${ratio.toFixed(2)}× idle (goal ≤ 2×: ${ratio <= 2 ? "met" : "MISSED"})`,
        note: `p50 ${loaded[k]!.p50.toFixed(1)} ms`,
      });
    });
    const peakMb = peakRss / 1024 / 1024;
    // The histogram holds the time between its timer's ticks, not the lateness: an idle loop reads
    // 10 ms at a 10 ms resolution. The lateness is what is past the tick.
    const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_TICK_MS);
    rows.push({ section: "flood", name: "server event loop lateness during the flood", value: late(loopDelay.percentile(99)), unit: "ms p99", note: `max ${late(loopDelay.max).toFixed(0)} ms, mean ${late(loopDelay.mean).toFixed(1)} ms (past a ${LOOP_TICK_MS} ms timer)` });
    rows.push({ section: "flood", name: "intake during the flood", value: accepted / floodSeconds, unit: "req/s", note: `${accepted} committed, ${refused} told to retry (${Object.entries(statuses).map(([k, v]) => `${k}: ${v}`).join(", ")}), proof of work off` });
    rows.push({ section: "flood", name: "CPU during the flood: server, flooding clients", value: serverCores, unit: "cores", note: `clients ${(cpuSeconds / seconds).toFixed(2)} cores on average over their run; ${os.cpus().length} cores in all` });
    rows.push({ section: "flood", name: "resident memory, peak during the flood", value: peakMb, unit: "MB", ratio: `≤ ${RSS_GOAL_MB} MB goal: ${peakMb <= RSS_GOAL_MB ? "met" : "MISSED"}`, note: `${(idleRss / 1024 / 1024).toFixed(0)} MB before; at the peak the JS heap ${(atPeak.heapTotal / 1048576).toFixed(0)} MB, outside it ${(atPeak.external / 1048576).toFixed(0)} MB; the server's process (its embedded store's thread included); the flooding clients run apart` });
    return rows;
  } finally {
    await servers.close();
    await ctx.database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const config = (dir: string) => loadConfig({ dataDir: dir, logLevel: (process.env.BENCH_LOG_LEVEL ?? "silent") as "silent" }, { SAFE_PASSAGE_ENV: "test" });

/** The seeding process: a first administrator, the operator, `count` cases (2 % his), then closed. */
async function seedStore(dir: string, count: number) {
  const ctx = await openContext(config(dir));
  const staff = await buildStaffApp(ctx);
  const clock = advancingClock(ctx);
  const admin = await createFirstAdmin(staff, ctx, clock);
  const op = await createStaff(staff, ctx, admin, "operator", "bench.flood", clock);
  ctx.now = () => new Date();
  const known = await seedCases(ctx, count, { assignTo: op.userId });
  await staff.close();
  await ctx.database.close();
  process.stdout.write(`${JSON.stringify({ cookie: op.cookie, phones: known.slice(0, 500).map((k) => k.phone) })}\n`);
}

if (process.argv[2] === "--seed") await seedStore(process.argv[3]!, Number(process.argv[4]));
// Run alone: `npx tsx bench/flood.bench.ts`.
else if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./table.js");
  printTable(await benchFlood());
}
