import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig, type Config } from "../../src/server/config.js";
import { openContext } from "../../src/server/services.js";
import type { AppContext } from "../../src/server/context.js";
import type { EmbeddedClient } from "../../src/server/db/embedded-client.js";
import { copyEmptyCluster } from "./pglite-template.js";

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const LOG_FILE = path.resolve("test-results/server.log");

export const onPostgres = () => process.env.TEST_STORE === "postgres";

/** The embedded store's client behind a context's Drizzle instance (PGlite only), for tests that watch its queue. */
export const embeddedClientOf = (ctx: AppContext): EmbeddedClient => (ctx.db as unknown as { $client: EmbeddedClient }).$client;

/** A fresh, empty PostgreSQL database for one test file; `drop` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sp_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestStore {
  config: Config;
  dataDir: string;
  cleanup: () => Promise<void>;
}

/** Config for a fresh store of the kind this project runs on (TEST_STORE), in a temp data dir. */
export async function freshStore(overrides: Record<string, string> = {}): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-test-"));
  const pgdb = onPostgres() ? await freshPostgresDatabase() : null;
  const config = loadConfig(
    { dataDir, ...(pgdb ? { databaseUrl: pgdb.url } : {}), logLevel: "debug" },
    { SAFE_PASSAGE_ENV: "test", ...overrides },
  );
  return {
    config,
    dataDir,
    cleanup: async () => {
      await pgdb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A migrated store and its context; every log line goes to the run's shared log file. On PGlite
 * under the unit project it starts as a copy of the run's empty cluster (pglite-template.ts);
 * tests of how a store is first laid out open their own directories.
 */
export async function freshContext(overrides: Record<string, string> = {}): Promise<{ ctx: AppContext; cleanup: () => Promise<void>; dataDir: string }> {
  process.env.SAFE_PASSAGE_LOG_FILE = LOG_FILE;
  const store = await freshStore(overrides);
  if (!store.config.databaseUrl) copyEmptyCluster(store.config.dbDir);
  const ctx = await openContext(store.config);
  return {
    ctx,
    dataDir: store.dataDir,
    cleanup: async () => {
      await ctx.database.close();
      await store.cleanup();
    },
  };
}
