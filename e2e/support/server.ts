import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/server/config.js";
import { copyEmptyCluster } from "../../test/support/pglite-template.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunningServer {
  staffUrl: string;
  publicUrl: string;
  firstAdminLink: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** The e2e tests drive what `npm run build` produced; they build nothing themselves. */
export function assertBuilt() {
  for (const f of ["dist/server/main.js", "dist/web/index.html"]) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` before the e2e tests`);
  }
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve, reject) => srv.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/**
 * A new data directory holding a copy of the run's empty cluster, for the server, the demo or an
 * import to open (laying out a new one took about 10 s a suite here). Where the cluster goes is the
 * config's to say.
 */
export function startFromTemplate(dataDir: string) {
  copyEmptyCluster(loadConfig({ dataDir }, { SAFE_PASSAGE_ENV: "test" }).dbDir);
}

/**
 * The real server (`safe-passage serve`) on an empty embedded store in a temp dir, in the
 * development environment so its cookies work over plain http. Resolves once it has printed the
 * one-time link for the first administrator.
 */
export async function startServer(opts: { prepare?: (env: NodeJS.ProcessEnv) => void; setupLink?: boolean } = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-e2e-"));
  startFromTemplate(dataDir);
  const [port, staffPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SAFE_PASSAGE_DATA: dataDir,
    HOST: "127.0.0.1",
    PORT: String(port),
    STAFF_PORT: String(staffPort),
    SAFE_PASSAGE_ENV: "development",
    LOG_LEVEL: "warn",
  };
  for (const k of ["DATABASE_URL", "STAFF_URL", "SAFE_PASSAGE_KEY_FILE", "SAFE_PASSAGE_LOG_FILE", "NODE_ENV"]) delete env[k];

  // A test may fill the store before the server opens it (say, a history import through the CLI).
  opts.prepare?.(env);
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "bin/safe-passage.js"), "serve"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // A store filled by `prepare` (the demo) has staff already: no link is printed, the server is ready when /readyz says so.
    if (opts.setupLink === false) {
      await untilReady(`http://127.0.0.1:${port}/readyz`, exited, () => out);
      return { staffUrl: `http://127.0.0.1:${staffPort}`, publicUrl: `http://127.0.0.1:${port}`, firstAdminLink: "", output: () => out, stop };
    }
    const firstAdminLink = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no first-admin link within 60 s; output:\n${out}`)), 60_000);
      const check = () => {
        const m = /(http:\/\/\S+\/console\/setup#token=[A-Za-z0-9_-]+)/.exec(out);
        if (m) {
          clearTimeout(deadline);
          child.stdout!.off("data", check);
          resolve(m[1]!);
        }
      };
      child.stdout!.on("data", check);
      void exited.then((code) => {
        clearTimeout(deadline);
        reject(new Error(`server exited (${code}) before printing the first-admin link; output:\n${out}`));
      });
      check();
    });
    return { staffUrl: `http://127.0.0.1:${staffPort}`, publicUrl: `http://127.0.0.1:${port}`, firstAdminLink, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function untilReady(url: string, exited: Promise<number | null>, out: () => string) {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`server exited (${gone}) before it was ready; output:\n${out()}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not ready within 60 s; output:\n${out()}`);
}
