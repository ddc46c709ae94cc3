import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, onPostgres } from "../../support/store.js";
import { freePort, outputMatching, startServerProcess } from "../../support/server-process.js";

const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "sp-harden-"));
let storage: Record<string, string> = {};
let dropPg: (() => Promise<void>) | null = null;

beforeAll(async () => {
  if (onPostgres()) {
    const db = await freshPostgresDatabase();
    dropPg = db.drop;
    storage = { DATABASE_URL: db.url };
  }
});
afterAll(async () => {
  await dropPg?.();
  fs.rmSync(root, { recursive: true, force: true });
});

/** `safe-passage serve` as an operator would start it; for starts that must be refused. */
async function serveRefused(env: Record<string, string>) {
  const port = String(await freePort());
  const staffPort = String(await freePort());
  try {
    await run(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), "serve"], {
      env: { ...process.env, PORT: port, STAFF_PORT: staffPort, LOG_LEVEL: "warn", DATABASE_URL: "", ...storage, ...env },
      timeout: 60_000,
    });
    return { code: 0, out: "" };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const dir = (name: string) => {
  const d = path.join(root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
};

/** True when a TCP connection to host:port is accepted. */
const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port, timeout: 3000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.on("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });

function publicAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return null;
}

describe("serve refuses insecure settings (issue 10, items 4 and 14)", () => {
  it("in production, a key file inside the data directory is refused with a message saying where to put it", async () => {
    const data = dir("prod-keyindata");
    const r = await serveRefused({ SAFE_PASSAGE_ENV: "production", SAFE_PASSAGE_DATA: data, STAFF_URL: "https://staff.example.org" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("refusing to start");
    expect(r.out).toMatch(/server key file .*server\.key is inside the data directory/);
    expect(r.out).toContain("SAFE_PASSAGE_KEY_FILE=/etc/safe-passage/server.key");
    // Refused before anything was created: no key was written beside the data.
    expect(fs.existsSync(path.join(data, "server.key"))).toBe(false);
  });

  it("in production, a console over plain HTTP (cookies a browser would not keep Secure) is refused", async () => {
    const r = await serveRefused({ SAFE_PASSAGE_ENV: "production", SAFE_PASSAGE_DATA: dir("prod-http"), SAFE_PASSAGE_KEY_FILE: path.join(dir("prod-http-keys"), "server.key"), STAFF_URL: "http://staff.example.org" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/STAFF_URL is http:\/\/staff\.example\.org: in production the console must be reached over HTTPS/);
  });

  it("a start that is development only by default may not listen beyond this machine", async () => {
    const r = await serveRefused({ SAFE_PASSAGE_ENV: "", NODE_ENV: "", HOST: "0.0.0.0", SAFE_PASSAGE_DATA: dir("implicit-dev") });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/SAFE_PASSAGE_ENV is not set.*HOST=0\.0\.0\.0/);
  });

  it("an existing key file that group or others can read is refused in every environment", async () => {
    const keys = dir("loose-keys");
    const keyFile = path.join(keys, "server.key");
    fs.writeFileSync(keyFile, "ab".repeat(32) + "\n", { mode: 0o644 });
    fs.chmodSync(keyFile, 0o644);
    for (const env of ["development", "test"]) {
      const r = await serveRefused({ SAFE_PASSAGE_ENV: env, SAFE_PASSAGE_DATA: dir(`loose-${env}`), SAFE_PASSAGE_KEY_FILE: keyFile });
      expect(r.code, env).toBe(1);
      expect(r.out).toContain(`the server key file ${keyFile} has mode 0644: group or others can read it`);
    }
  });
});

describe("the first-admin link and the staff listener (issue 10, items 11 and 14)", () => {
  it("a production start with the key off the data volume runs; the link goes to a 0600 file, not stdout; the staff listener stays on loopback", async () => {
    const data = dir("prod-ok");
    const keyFile = path.join(dir("prod-ok-keys"), "server.key");
    const linkFile = path.join(dir("prod-ok-secrets"), "first-admin.link");
    const server = await startServerProcess({ SAFE_PASSAGE_ENV: "production", SAFE_PASSAGE_DATA: data, SAFE_PASSAGE_KEY_FILE: keyFile, STAFF_URL: "https://staff.example.org", HOST: "0.0.0.0", SAFE_PASSAGE_SETUP_LINK_FILE: linkFile, LOG_LEVEL: "info", ...storage });
    try {
      await outputMatching(server, /one-time link to create the first administrator/);
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const link = fs.readFileSync(linkFile, "utf8").trim();
      expect(link).toMatch(/^https:\/\/staff\.example\.org\/console\/setup#token=[A-Za-z0-9_-]{43}$/);
      expect(fs.statSync(linkFile).mode & 0o777).toBe(0o600);
      expect(server.stdout()).toContain(`is in ${linkFile}`);
      expect(server.stdout()).not.toContain(link.split("#token=")[1]!);

      // HOST=0.0.0.0 publishes the applicant site; the staff listener is not on the public address.
      const staffPort = Number(new URL(server.staffUrl).port);
      const publicPort = Number(new URL(server.publicUrl).port);
      const address = publicAddress();
      expect(address, "this machine needs a non-loopback address for this test").not.toBeNull();
      expect(await reachable(address!, publicPort)).toBe(true);
      expect(await reachable(address!, staffPort)).toBe(false);
      expect(await reachable("127.0.0.1", staffPort)).toBe(true);
      expect((await fetch(`${server.staffUrl}/readyz`)).status).toBe(200);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
