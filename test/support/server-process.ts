import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

/** A free TCP port on loopback, from the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  publicUrl: string;
  staffUrl: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/**
 * Run `safe-passage serve` from source (no build step) as a separate process, the way an operator
 * runs it, and wait until both listeners answer /readyz.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const staffPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), "serve"], {
    env: { ...process.env, PORT: String(port), STAFF_PORT: String(staffPort), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const publicUrl = `http://127.0.0.1:${port}`;
  const staffUrl = `http://127.0.0.1:${staffPort}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const [a, b] = await Promise.all([fetch(`${publicUrl}/readyz`), fetch(`${staffUrl}/readyz`)]);
      if (a.ok && b.ok && /one-time link|Safe Passage is up|^/.test(out)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, publicUrl, staffUrl, stdout: () => out, exited };
}
