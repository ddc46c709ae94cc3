import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/** The backup commands from source, as an operator runs them: keygen, backup, verify, restore. */
const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-backup-cli-"));
const keyFile = path.join(dir, "keys", "server.key");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), ...args], { env: { ...process.env, SAFE_PASSAGE_ENV: "test", DATABASE_URL: "", SAFE_PASSAGE_NEW_PASSWORD: "" } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

describe("backup and restore from the command line", () => {
  it("keygen, an archive of a demo store, verify with and without the key, restore into a new store", async () => {
    const offline = path.join(dir, "offline");
    expect((await cli("backup", "keygen", "--out", offline)).code).toBe(0);
    expect(fs.statSync(path.join(offline, "backup-recipient.key")).mode & 0o077).toBe(0);
    const source = ["--data-dir", path.join(dir, "source"), "--key-file", keyFile];
    const demo = await cli("demo", "--cases", "6", ...source);
    expect(demo.code, demo.out).toBe(0);
    const archive = path.join(dir, "night.spbk");
    const made = await cli("backup", "--out", archive, "--recipient", path.join(offline, "backup-recipient.pub"), ...source);
    expect(made.code, made.out).toBe(0);
    expect(made.out).toMatch(/archive written: .* \(\d+ rows, \d+ attachment file\(s\)\); sha256 [0-9a-f]{64}/);
    const quick = await cli("backup", "verify", archive);
    expect(quick.out).toContain("matches night.spbk.sha256");
    const full = await cli("backup", "verify", archive, "--key", path.join(offline, "backup-recipient.key"));
    expect(full.code, full.out).toBe(0);
    expect(full.out).toMatch(/contents intact: \d+ rows in \d+ tables/);
    const restored = await cli("restore", "--from", archive, "--key", path.join(offline, "backup-recipient.key"), "--data-dir", path.join(dir, "target"), "--key-file", keyFile);
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toMatch(/restored \d+ rows .* audit chain intact/);
    // The restored store's own audit check agrees.
    const audit = await cli("audit", "verify", "--data-dir", path.join(dir, "target"), "--key-file", keyFile);
    expect(audit.out).toContain("audit log intact");
    // A second restore into the same store is refused (exit 2), nothing changes.
    const again = await cli("restore", "--from", archive, "--key", path.join(offline, "backup-recipient.key"), "--data-dir", path.join(dir, "target"), "--key-file", keyFile);
    expect(again.code).toBe(2);
    expect(again.out).toContain("not empty");
    // Seven CLI processes, one of them loading a demo store: 53 s on PostgreSQL in the last CI, over the minute on PGlite on busy cores.
  }, 240_000);
});
