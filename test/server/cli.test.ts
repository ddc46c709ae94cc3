import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, type TestStore } from "../support/store.js";

const run = promisify(execFile);
let store: TestStore;

/** Run the real CLI from source against this test's store (PGlite dir or PostgreSQL URL). */
async function cli(...args: string[]) {
  const storage = store.config.databaseUrl ? ["--database-url", store.config.databaseUrl] : [];
  try {
    const r = await run(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), ...args, "--data-dir", store.dataDir, ...storage], {
      env: { ...process.env, SAFE_PASSAGE_ENV: "test", DATABASE_URL: "" },
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

beforeAll(async () => {
  store = await freshStore();
});
afterAll(async () => store.cleanup());

describe("safe-passage CLI", () => {
  it("has --help on every command", async () => {
    for (const cmd of [[], ["serve"], ["migrate"], ["user"], ["user", "add"], ["user", "list"], ["user", "disable"], ["user", "set-role"], ["audit", "verify"], ["demo"], ["retention", "run"]]) {
      const r = await cli(...cmd, "--help");
      expect(r.code, cmd.join(" ")).toBe(0);
      expect(r.out).toMatch(/Usage: safe-passage/);
    }
  }, 180_000);

  it("migrates, loads demo staff, manages users and verifies the audit log", async () => {
    expect((await cli("migrate")).out).toMatch(/migrations applied \((pglite|postgres)\)/);
    const demo = await cli("demo");
    expect(demo.code).toBe(0);
    expect(demo.out).toMatch(/operator1\s+operator\s+TOTP secret [A-Z2-7]{32}/);
    // Demo data goes into an empty store only.
    expect((await cli("demo")).code).toBe(1);

    const add = await cli("user", "add", "--username", "newop", "--role", "operator");
    expect(add.out).toMatch(/Invitation for newop \(operator\).*\n\s+http:\/\/127\.0\.0\.1:8081\/console\/setup#token=[A-Za-z0-9_-]{43}/);
    expect((await cli("user", "add", "--username", "x", "--role", "pope")).code).not.toBe(0);

    expect((await cli("user", "set-role", "operator1", "--role", "verifier")).out).toContain("operator1 is now verifier");
    expect((await cli("user", "disable", "operator2")).out).toContain("operator2 disabled");
    const list = (await cli("user", "list")).out;
    expect(list).toMatch(/operator1\s+verifier\s+2fa\s+active/);
    expect(list).toMatch(/operator2\s+operator\s+2fa\s+disabled/);

    const dry = await cli("retention", "run", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^due as of \d{4}-\d\d-\d\dT[\d:.]+Z:\n( {2}(case \d+\t\w+\t\w+\tdue since [\d-]+|nothing)\n)+held: \d+\n$/);
    expect(dry.out).not.toMatch(/purged:/);

    const ok = await cli("audit", "verify");
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit log intact: \d+ rows/);
  }, 240_000);

  it("audit verify names the first tampered row and exits non-zero", async () => {
    const { openDatabase } = await import("../../src/server/db/index.js");
    const db = await openDatabase({ dbDir: store.config.dbDir, ...(store.config.databaseUrl ? { databaseUrl: store.config.databaseUrl } : {}) });
    try {
      await db.executeSql("ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET details = '{\"role\":\"admin\"}' WHERE seq = 3; ALTER TABLE audit_log ENABLE TRIGGER USER;");
    } finally {
      await db.close();
    }
    const r = await cli("audit", "verify");
    expect(r.code).toBe(1);
    expect(r.out).toContain("audit log TAMPERED: row 3 was edited");
  });
});
