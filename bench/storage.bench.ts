import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../src/server/db/index.js";
import { freshPostgresDatabase } from "../test/support/store.js";
import type { BenchRow } from "./table.js";

/** Durable commits per second: single-row INSERT transactions, one after another, each fsynced. */
async function commitsPerSecond(db: Database, seconds: number): Promise<{ rate: number; fsyncsPerCommit?: number }> {
  await db.executeSql("CREATE TABLE IF NOT EXISTS bench_commit (id serial primary key, payload bytea not null)");
  const payload = Buffer.alloc(256, 7);
  for (let i = 0; i < 20; i++) await db.executeSql("INSERT INTO bench_commit (payload) VALUES ($1)", [payload]); // warm-up
  const f0 = db.fsyncCalls();
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await db.executeSql("INSERT INTO bench_commit (payload) VALUES ($1)", [payload]);
    n++;
  }
  const rate = n / ((performance.now() - t0) / 1000);
  const f1 = db.fsyncCalls();
  return { rate, ...(f0 !== undefined && f1 !== undefined ? { fsyncsPerCommit: (f1 - f0) / n } : {}) };
}

export async function benchStorage(seconds = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-"));
  const lite = await openDatabase({ dbDir: path.join(dir, "db") });
  try {
    const r = await commitsPerSecond(lite, seconds);
    rows.push({ section: "storage", name: "durable commits/s, PGlite (fsync on)", value: r.rate, unit: "commits/s", note: `${r.fsyncsPerCommit?.toFixed(1)} fsync per commit` });
  } finally {
    await lite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgdb = await freshPostgresDatabase();
  const pg = await openDatabase({ databaseUrl: pgdb.url, dbDir: "" });
  try {
    const r = await commitsPerSecond(pg, seconds);
    const settings = await pg.executeSql("SELECT current_setting('fsync') AS f, current_setting('synchronous_commit') AS s");
    rows.push({ section: "storage", name: "durable commits/s, PostgreSQL 15", value: r.rate, unit: "commits/s", note: `fsync=${settings.rows[0]!.f}, synchronous_commit=${settings.rows[0]!.s}` });
  } finally {
    await pg.close();
    await pgdb.drop();
  }
  const [a, b] = [rows[0]!, rows[1]!];
  a.ratio = `${(a.value / b.value).toFixed(2)}× PostgreSQL`;
  return rows;
}
