import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { TestStore } from "./store.js";

const run = promisify(execFile);

/**
 * `safe-passage <args>` from source against a test store (its data directory, and its database
 * URL on PostgreSQL), as an operator would run it: the exit code and everything it printed.
 */
export async function runCliOn(store: Pick<TestStore, "dataDir" | "config">, ...args: string[]): Promise<{ code: number; out: string }> {
  const storage = store.config.databaseUrl ? ["--database-url", store.config.databaseUrl] : [];
  try {
    const r = await run(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), ...args, "--data-dir", store.dataDir, ...storage], { env: { ...process.env, SAFE_PASSAGE_ENV: "test", DATABASE_URL: "" } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}
