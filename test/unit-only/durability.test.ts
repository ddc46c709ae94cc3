import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "../../src/server/db/index.js";
import { DataDirLockedError } from "../../src/server/db/dir-lock.js";

let dir: string;
let db: Database | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const tmp = () => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-dur-")));

describe("embedded store durability (PGlite)", () => {
  it("runs with fsync on, WAL flushed by fsync, and no -F", async () => {
    db = await openDatabase({ dbDir: path.join(tmp(), "db") });
    const settings = await db.executeSql("SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','wal_sync_method','full_page_writes') ORDER BY name");
    expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({ fsync: "on", full_page_writes: "on", synchronous_commit: "on", wal_sync_method: "fsync" });
  });

  it("really calls fsync at least once per commit (guards the patch of the pinned PGlite)", async () => {
    db = await openDatabase({ dbDir: path.join(tmp(), "db") });
    await migrate(db);
    await db.executeSql("CREATE TABLE t (id int primary key, v text)");
    const N = 50;
    const before = db.fsyncCalls()!;
    for (let i = 0; i < N; i++) await db.executeSql("INSERT INTO t VALUES ($1, $2)", [i, `row ${i}`]);
    const calls = db.fsyncCalls()! - before;
    expect(calls).toBeGreaterThanOrEqual(N);
    // A read-only statement commits nothing and needs no flush.
    const idle = db.fsyncCalls()!;
    for (let i = 0; i < 10; i++) await db.executeSql("SELECT count(*) FROM t WHERE id = $1", [i]);
    expect(db.fsyncCalls()! - idle).toBe(0);
  });

  it("keeps committed rows across close and reopen", async () => {
    const dbDir = path.join(tmp(), "db");
    db = await openDatabase({ dbDir });
    await db.executeSql("CREATE TABLE t (id int primary key)");
    await db.executeSql("INSERT INTO t SELECT generate_series(1, 500)");
    await db.close();
    db = await openDatabase({ dbDir });
    expect((await db.executeSql("SELECT count(*)::int AS n FROM t")).rows[0]!.n).toBe(500);
  });

  it("refuses a second process on the same data directory, with a clear error", async () => {
    const dbDir = path.join(tmp(), "db");
    db = await openDatabase({ dbDir });
    // The lock file names a live process that is not us: exactly what another server looks like.
    const lockPath = path.join(dir, "safe-passage.lock");
    const holder = await import("node:child_process").then((cp) => cp.spawn(process.execPath, ["-e", "setTimeout(()=>{}, 30000)"]));
    try {
      await db.close();
      db = null;
      fs.writeFileSync(lockPath, `${holder.pid}\n`);
      await expect(openDatabase({ dbDir })).rejects.toThrow(DataDirLockedError);
      await expect(openDatabase({ dbDir })).rejects.toThrow(/in use by another Safe Passage process \(pid \d+\)/);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("takes over a stale lock left by a crashed process", async () => {
    const dbDir = path.join(tmp(), "db");
    db = await openDatabase({ dbDir });
    await db.close();
    db = null;
    const dead = await import("node:child_process").then((cp) => cp.spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
    fs.writeFileSync(path.join(dir, "safe-passage.lock"), `${dead.stdout.toString()}\n`);
    db = await openDatabase({ dbDir });
    expect((await db.executeSql("SELECT 1 AS one")).rows[0]!.one).toBe(1);
    expect(fs.readFileSync(path.join(dir, "safe-passage.lock"), "utf8").trim()).toBe(String(process.pid));
  });
});

describe("data directory lock within one process", () => {
  it("refuses a second open of a directory this process already holds", async () => {
    const dbDir = path.join(tmp(), "db");
    db = await openDatabase({ dbDir });
    await expect(openDatabase({ dbDir })).rejects.toThrow(DataDirLockedError);
  });
});
