import { sql, type SQL } from "drizzle-orm";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import * as schema from "./schema.js";
import { DURABLE_START_PARAMS } from "./durable-fs.js";
import { EmbeddedClient } from "./embedded-client.js";
import { lockDataDir } from "./dir-lock.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export { schema };

/**
 * The rows of a raw `db.execute(sql…)`: node-postgres answers a result object, PGlite through
 * Drizzle an array; every caller of raw SQL reads them through this one place.
 */
export async function rowsOf<T>(db: Pick<Db, "execute">, query: SQL): Promise<T[]> {
  const r = await db.execute(query);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as T[];
}

/** Raw SQL for the few places that need it (pg-boss, tests, checks). Values are always bound. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export interface Database {
  kind: "pglite" | "postgres";
  db: Db;
  executeSql: ExecuteSql;
  /** Number of real fsync calls made by the embedded file layer (undefined on PostgreSQL). */
  fsyncCalls(): number | undefined;
  checkpoint(): Promise<void>;
  /** Write a consistent copy of the database into `dir` (db.tar for PGlite, db.sql for PostgreSQL). */
  backupTo(dir: string): Promise<string>;
  close(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const MIGRATIONS_DIR = path.join(root, "src/server/db/migrations");

export async function openDatabase(opts: { databaseUrl?: string; dbDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openEmbedded(opts.dbDir);
}

async function openEmbedded(dbDir: string): Promise<Database> {
  const release = lockDataDir(path.dirname(dbDir));
  try {
    const client = await EmbeddedClient.start({ dbDir, startParams: DURABLE_START_PARAMS });
    const executeSql: ExecuteSql = async (text, values) => {
      if (!values || values.length === 0) {
        // pg-boss and migrations send multi-statement scripts; only exec() runs those.
        const results = (await client.exec(text)) as { rows: Record<string, unknown>[] }[];
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const r = (await client.query(text, values)) as { rows: Record<string, unknown>[] };
      return { rows: r.rows };
    };
    let closed = false;
    return {
      kind: "pglite",
      // Drizzle's PGlite driver calls only query, exec and transaction, which the client serves.
      db: drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db,
      executeSql,
      fsyncCalls: () => client.fsyncCalls,
      checkpoint: async () => {
        await client.exec("CHECKPOINT");
      },
      backupTo: async (dir) => {
        // PGlite's own dump of the data directory, taken inside the engine: consistent, uncompressed.
        const tar = await client.dumpDataDir();
        const file = path.join(dir, "db.tar");
        fs.writeFileSync(file, tar, { mode: 0o600 });
        return file;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose server connection ends (a PostgreSQL restart, an admin terminating
  // backends) emits 'error'; unhandled, that would crash the process. The pool replaces it.
  pool.on("error", () => {});
  // The pool listens only to idle clients. A client checked out for a transaction, whose server
  // connection is cut between two of its statements (PostgreSQL restarted, 57P01), emitted an
  // 'error' nobody heard and the process died (the restart test). Its next statement fails and
  // the transaction rolls back; the request gets a 503 (errors.ts isDatabaseUnavailable).
  pool.on("connect", (client) => client.on("error", () => {}));
  // Fail now, with a clear message, rather than at the first request.
  await pool.query("SELECT 1");
  return {
    kind: "postgres",
    db: drizzlePg(pool, { schema }) as unknown as Db,
    executeSql: async (text, values) => {
      const r = await pool.query(text, values as unknown[] | undefined);
      return { rows: r.rows as Record<string, unknown>[] };
    },
    fsyncCalls: () => undefined,
    checkpoint: async () => {},
    backupTo: async (dir) => {
      const file = path.join(dir, "db.sql");
      await new Promise<void>((resolve, reject) => {
        const p = spawn("pg_dump", ["--no-owner", "--no-privileges", "--file", file, url], { stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        p.stderr.on("data", (d: Buffer) => (err += d.toString()));
        p.on("error", reject);
        p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed (${code}): ${err.split("\n")[0]}`))));
      });
      fs.chmodSync(file, 0o600);
      return file;
    },
    close: async () => {
      await pool.end();
    },
  };
}

/**
 * Run `fn` while no other instance runs the same `key` (start-up work that is not safe twice at
 * once: migrations, pg-boss's queue creation). On PostgreSQL a transaction-scoped advisory lock is
 * held on a connection of its own while `fn` works on others, and is released at commit or on
 * any failure; a session lock taken and released through the pool could be released on another
 * connection than the one holding it. The embedded store has one process only (its data-directory
 * lock), and its single connection would wait on itself, so there `fn` just runs.
 */
export async function oneInstanceAtATime<T>(database: Pick<Database, "kind" | "db">, key: string, fn: () => Promise<T>): Promise<T> {
  if (database.kind === "pglite") return fn();
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`safe-passage.${key}`}))`);
    return fn();
  });
}

/** Apply pending migrations, one instance at a time. */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  await oneInstanceAtATime(database, "migrate", () => migratePg(database.db as never, { migrationsFolder: MIGRATIONS_DIR }));
}
