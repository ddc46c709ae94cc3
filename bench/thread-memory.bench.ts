/**
 * Issue 17: resident size over repeated reads of one long conversation on /return (640 messages,
 * most sealed by a channel, as Telegram writes them), through the real public listener. Goal:
 * ≤ 600 MB after BENCH_THREAD_READS (10,000) reads, and flat after warm-up (the last half adds
 * little). Each read shows the newest page (50 messages); every tenth read asks for an older page.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildPublicApp, buildStaffApp } from "../src/server/app.js";
import { advancingClock, createFirstAdmin } from "../test/support/staff.js";
import { recordIntake, insertSealedMessage } from "../src/server/cases/index.js";
import { startApplicantSession } from "../src/server/intake/applicant-session.js";
import { wipe } from "../src/server/crypto/secure.js";
import type { BenchRow } from "./table.js";

const MB = 1024 * 1024;
const GOAL_MB = 600;

export async function benchThreadMemory(): Promise<BenchRow[]> {
  const reads = Number(process.env.BENCH_THREAD_READS ?? 10_000);
  if (reads <= 0) return [];
  process.env.INTAKE_PAGES_PER_CLIENT = "1000000";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-thread-"));
  const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
  const staff = await buildStaffApp(ctx);
  const pub = await buildPublicApp(ctx);
  try {
    await createFirstAdmin(staff, ctx, advancingClock(ctx));
    ctx.now = () => new Date();
    const made = await recordIntake(ctx, { channel: "web", sections: {}, message: "сообщение 0", identifiers: { name: "Петров Пётр" }, keepCaseKey: true });
    const [row] = (await ctx.database.executeSql("SELECT public_key FROM cases WHERE id = $1", [made.caseId])).rows as { public_key: Buffer }[];
    for (let i = 1; i < 640; i++) {
      await ctx.db.transaction((tx) => insertSealedMessage(tx, { caseId: made.caseId, casePublicKey: Buffer.from(row!.public_key), channel: "telegram", direction: i % 2 ? "in" : "out", text: `Сообщение номер ${i}: ${"текст ".repeat(20)}`, at: new Date() }));
    }
    const cookie = await startApplicantSession(ctx, made.caseId, made.caseKey!);
    wipe(made.caseKey!);
    const url = await pub.listen({ host: "127.0.0.1", port: 0 });
    const headers = { cookie: `sp_applicant=${cookie}`, "user-agent": "bench" };
    let older = "";
    const sample: { at: number; rss: number }[] = [];
    const t0 = performance.now();
    for (let i = 0; i < reads; i++) {
      const res = await fetch(`${url}/return${i % 10 === 9 && older ? older : ""}`, { headers });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`/return: HTTP ${res.status}`);
      if (!older) older = (/id="older" href="\/return([^"]+)"/.exec(body)?.[1] ?? "").replace(/&amp;/g, "&");
      if (i % Math.max(1, Math.floor(reads / 20)) === 0) sample.push({ at: i, rss: process.memoryUsage().rss / MB });
    }
    const seconds = (performance.now() - t0) / 1000;
    const end = process.memoryUsage().rss / MB;
    const half = sample.find((s) => s.at >= reads / 2)?.rss ?? end;
    const growth = end - half;
    return [
      { section: "memory", name: `RSS after ${reads.toLocaleString("en-US")} reads of a 640-message thread (/return)`, value: end, unit: "MB", ratio: end <= GOAL_MB ? `≤ ${GOAL_MB} MB goal: met` : `≤ ${GOAL_MB} MB goal: MISSED`, note: `start ${sample[0]?.rss.toFixed(0)} MB, at half ${half.toFixed(0)} MB; ${(reads / seconds).toFixed(0)} reads/s` },
      { section: "memory", name: "RSS growth over the second half of the reads (flat after warm-up)", value: growth, unit: "MB", ratio: growth <= 25 ? "flat (≤ 25 MB): met" : "grows: MISSED", note: sample.map((s) => s.rss.toFixed(0)).join(" → ") },
    ];
  } finally {
    await staff.close();
    await pub.close();
    await ctx.database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Run alone: `npx tsx bench/thread-memory.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import("./table.js");
  printTable(await benchThreadMemory());
}
