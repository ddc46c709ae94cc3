import type { Command } from "commander";
import type { ConfigFlags } from "./config.js";
import type { AppContext } from "./context.js";

/** Storage flags every data command takes. */
export function withStorage(cmd: Command): Command {
  return cmd
    .option("--data-dir <dir>", "data directory of the embedded store (env SAFE_PASSAGE_DATA, default ./data)")
    .option("--database-url <url>", "PostgreSQL URL; without it the embedded store is used (env DATABASE_URL)")
    .option("--key-file <file>", "server key file (env SAFE_PASSAGE_KEY_FILE, default <data-dir>/server.key)");
}

/**
 * Runs a data command on an opened context and closes it after. main.ts hands it to each
 * capability's commands (registerXCommands(program, withContext)): opening a context plugs every
 * capability in (services.ts), which a capability folder must not import.
 */
export type WithContext = <T>(flags: ConfigFlags, fn: (ctx: AppContext) => Promise<T>) => Promise<T>;
