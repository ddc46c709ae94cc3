import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { cookieFrom, StaffClient, TEST_PASSWORD } from "../../support/staff.js";
import { freshPostgresDatabase, onPostgres } from "../../support/store.js";
import { loadConfig } from "../../../src/server/config.js";
import { openContext } from "../../../src/server/services.js";
import { buildStaffApp } from "../../../src/server/app.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { generateBackupRecipient } from "../../../src/server/crypto/archive.js";
import { writeArchive } from "../../../src/server/backup/archive.js";
import { ArchiveError, restoreArchive, verifyArchive } from "../../../src/server/backup/restore.js";
import type { AppContext } from "../../../src/server/context.js";

/**
 * Encrypted backup and restore (issue 16, item 2): one archive sealed to an offline key, checked
 * with and without that key, restored into an empty store of the other kind (PGlite → PostgreSQL
 * or the reverse), which then serves the same case and attachment to the same staff member.
 */
const NAME = "Архивов Пётр Семёнович";
const DOC = Buffer.from("скан военного билета ".repeat(200));
let s: StaffedStore<"op1">;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-archive-"));
const file = path.join(dir, "hotline.spbk");
const recipient = generateBackupRecipient();
let caseId: string;
let attachmentId: string;
let before: unknown;

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator" } });
  caseId = (await webCase(s.ctx, { name: NAME, phone: "+7 921 000-11-22" })).caseId;
  for (let i = 0; i < 5; i++) await webCase(s.ctx, { name: `Другой ${i}` });
  const op = s.staff.op1;
  expect((await op.request("POST", `/api/cases/${caseId}/notes`, { text: "Позвонить после 22:00" })).statusCode).toBe(201);
  const up = await s.app.inject({
    method: "POST",
    url: `/api/cases/${caseId}/attachments`,
    headers: { cookie: `sp_staff=${op.cookie}`, "x-csrf-token": op.csrf, "content-type": "application/octet-stream", "x-file-name": encodeURIComponent("билет.txt") },
    payload: DOC,
  });
  expect(up.statusCode, up.body).toBe(201);
  attachmentId = up.json().id;
  before = (await op.request("GET", `/api/cases/${caseId}`)).json();
});
afterAll(async () => {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An empty store of the other kind than the source, with the given key file. */
async function otherStore(keyFile: string): Promise<{ ctx: AppContext; close: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-restore-"));
  const pg = onPostgres() ? null : await freshPostgresDatabase();
  const config = loadConfig({ dataDir, keyFile, ...(pg ? { databaseUrl: pg.url } : {}), logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" });
  const ctx = await openContext(config);
  ctx.now = s.ctx.now; // the source's test clock: sessions and TOTP steps go on from where they were
  return {
    ctx,
    close: async () => {
      await ctx.database.close();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe("encrypted backup", () => {
  it("writes one archive and its checksum; the archive shows nothing in clear", async () => {
    const r = await writeArchive(s.ctx, file, recipient.publicKey);
    expect(r.rows.cases).toBe(6);
    expect(r.files).toBe(1);
    expect(fs.readFileSync(`${file}.sha256`, "utf8")).toContain(r.checksum);
    const bytes = fs.readFileSync(file);
    for (const needle of [caseId, "Архивов", s.staff.op1.username, "audit_log", "case.opened"]) {
      expect(bytes.includes(Buffer.from(needle, "utf8")), needle).toBe(false);
    }
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it("verify: the checksum without the key; with it, every chunk and every count", async () => {
    expect((await verifyArchive(file, null)).checksumMatches).toBe(true);
    const full = await verifyArchive(file, recipient);
    expect(full.contents!.rows.cases).toBe(6);
    expect(full.contents!.files).toBe(1);
    await expect(verifyArchive(file, generateBackupRecipient())).rejects.toThrow(ArchiveError);
  });

  it("a changed or cut archive is refused", async () => {
    const bytes = fs.readFileSync(file);
    const changed = path.join(dir, "changed.spbk");
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 1;
    fs.writeFileSync(changed, flipped);
    await expect(verifyArchive(changed, recipient)).rejects.toThrow(/damaged|incomplete/);
    fs.writeFileSync(`${changed}.sha256`, fs.readFileSync(`${file}.sha256`));
    await expect(verifyArchive(changed, null)).rejects.toThrow(/checksum mismatch/);
    const cut = path.join(dir, "cut.spbk");
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await expect(verifyArchive(cut, recipient)).rejects.toThrow(/damaged|incomplete/);
  });
});

describe("restore into the other kind of store", () => {
  it("serves the same case, thread and attachment to the same staff member; the audit chain verifies", async () => {
    const target = await otherStore(s.ctx.config.keyFile);
    try {
      const r = await restoreArchive(target.ctx, file, recipient);
      expect(r.files).toBe(1);
      expect(r.auditRows).toBeGreaterThan(10);
      const app = await buildStaffApp(target.ctx);
      try {
        const op = s.staff.op1;
        s.clock.tick();
        const login = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username: op.username, password: TEST_PASSWORD, totp: totpCodeAt(op.totpSecret!, s.clock.now()) } });
        expect(login.statusCode, login.body).toBe(200);
        const again = new StaffClient(app, cookieFrom(login), login.json().csrfToken, op.username, op.totpSecret, op.userId);
        const after = (await again.request("GET", `/api/cases/${caseId}`)).json();
        expect(JSON.stringify(after)).toContain(NAME);
        expect((after as { sections: unknown }).sections).toEqual((before as { sections: unknown }).sections);
        const doc = await again.request("GET", `/api/cases/${caseId}/attachments/${attachmentId}`);
        expect(doc.statusCode).toBe(200);
        expect(doc.rawPayload.equals(DOC)).toBe(true);
        // A new case after the restore gets the next number, not one already taken.
        const next = await webCase(target.ctx, { name: "После восстановления" });
        expect(next.caseId).toBeTruthy();
      } finally {
        await app.close();
      }
    } finally {
      await target.close();
    }
  });

  it("refuses another key file, and a store that is not empty", async () => {
    const otherKey = path.join(dir, "other.key");
    const wrong = await otherStore(otherKey);
    try {
      await expect(restoreArchive(wrong.ctx, file, recipient)).rejects.toThrow(/key file/);
    } finally {
      await wrong.close();
    }
    await expect(restoreArchive(s.ctx, file, recipient)).rejects.toThrow(/not empty/);
  });
});
