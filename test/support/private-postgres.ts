import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./server-process.js";

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, its own port), so a test
 * can stop and start it under load without touching the shared server the other suites use.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export interface PrivatePostgres {
  url: string;
  /** Fast shutdown (open connections are cut, as in a restart); resolves once it is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const version = fs.readdirSync(root).sort().at(-1);
  const dir = version ? path.join(root, version, "bin") : null;
  return dir && fs.existsSync(path.join(dir, "pg_ctl")) ? dir : null;
}

/** Why a private server cannot run here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  if (!binDir()) return "no PostgreSQL server binaries under /usr/lib/postgresql";
  if (process.getuid?.() === 0 && !fs.existsSync("/usr/sbin/runuser")) return "running as root without runuser";
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()!;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-private-pg-"));
  const asRoot = process.getuid?.() === 0;
  // Asynchronous, so the test's own requests keep flowing while the server stops and starts.
  const run = async (cmd: string, args: string[]) => {
    await promisify(execFile)(asRoot ? "/usr/sbin/runuser" : path.join(bin, cmd), asRoot ? ["-u", "postgres", "--", path.join(bin, cmd), ...args] : args, { timeout: 120_000 });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const start = () => run("pg_ctl", ["-D", data, "-w", "-t", "60", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`, "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-w", "-t", "60", "-m", "fast", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      try {
        await stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
