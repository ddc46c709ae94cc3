import type { Command } from "commander";
import { loadConfig, type ConfigFlags } from "./config.js";
import type { AppContext } from "./context.js";
import { openContext } from "./services.js";

/** Storage flags every data command takes. */
export function withStorage(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "data directory of the embedded store (env SAFE_PASSAGE_DATA, default ./data)")
    .option("--database-url <url>", "PostgreSQL URL; without it the embedded store is used (env DATABASE_URL)")
    .option("--key-file <file>", "server key file (env SAFE_PASSAGE_KEY_FILE, default <data-dir>/server.key)");
}

export async function withContext<T>(flags: ConfigFlags, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig({ ...flags, logLevel: flags.logLevel ?? "warn" }));
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

