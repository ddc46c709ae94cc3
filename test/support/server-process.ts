import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { Secret } from "otpauth";
import { totpCodeAt } from "../../src/server/auth/totp.js";
import { TEST_PASSWORD } from "./staff.js";

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
      if (a.ok && b.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, publicUrl, staffUrl, stdout: () => out, exited };
}

export interface StaffHttpSession {
  cookie: string;
  csrf: string;
}

/**
 * Wait until the process has printed what matches `re`: the first-admin link is written once the
 * listeners are up, so it may come a moment after /readyz answers (the CI of stop 23 failed on it).
 */
export async function outputMatching(server: ServerProcess, re: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(server.stdout())) {
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`no output matching ${re}:\n${server.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return server.stdout();
}

/** A JSON POST to the staff listener of a server process, as a signed-in member or nobody. */
export async function postAsStaff(server: ServerProcess, url: string, session: StaffHttpSession | null, body: unknown) {
  return fetch(`${server.staffUrl}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(session ? { cookie: `sp_staff=${session.cookie}`, "x-csrf-token": session.csrf } : {}) },
    body: JSON.stringify(body),
  });
}
const cookieOf = (r: Response) => /sp_staff=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")![1]!;

/** The first administrator of a fresh server process, through the real HTTP path; the session is durable, so it outlives restarts. */
export async function firstAdminOverHttp(server: ServerProcess): Promise<StaffHttpSession> {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(await outputMatching(server, /#token=[A-Za-z0-9_-]{43}/))![1];
  const accept = await postAsStaff(server, "/api/setup/accept", null, { token, username: "admin", displayName: "Admin", password: TEST_PASSWORD });
  const enrol = { cookie: cookieOf(accept), csrf: ((await accept.json()) as { csrfToken: string }).csrfToken };
  const begin = (await (await postAsStaff(server, "/api/auth/totp/begin", enrol, {})).json()) as { secret: string };
  const secret = Buffer.from(Secret.fromBase32(begin.secret).bytes);
  const confirm = await postAsStaff(server, "/api/auth/totp/confirm", enrol, { code: totpCodeAt(secret, new Date()) });
  if (confirm.status !== 200) throw new Error(`first administrator: TOTP confirm answered ${confirm.status}`);
  return { cookie: cookieOf(confirm), csrf: ((await confirm.json()) as { csrfToken: string }).csrfToken };
}
