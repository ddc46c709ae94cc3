import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { cookieFrom, TEST_PASSWORD } from "../../support/staff.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { staffKeys, users } from "../../../src/server/db/schema.js";
import { hashPassword, verifyPassword } from "../../../src/server/crypto/password.js";
import { loadOrCreateServerKey } from "../../../src/server/crypto/server-key.js";
import { publicKeyOf } from "../../../src/server/crypto/box.js";
import { pepperOf, unlockStaffKey } from "../../../src/server/keys/staff.js";
import { recoverStaffKey } from "../../../src/server/staff/key-recovery.js";

/**
 * SECURITY.md (issue 10, item 5): a backup leaves the key file out by design. Whoever holds the
 * backup must not be able to test password guesses against it, not even the right password; the
 * printed recovery key must still open an account when the key file itself is lost.
 */
let s: StaffedStore<"op1" | "op2">;
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "sp-otherkey-"));
// Another key file: what the thief of a backup has instead of ours (or what a new server has after a loss).
const otherKeys = loadOrCreateServerKey(path.join(elsewhere, "server.key"));

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", op2: "operator" } });
});
afterAll(async () => {
  await s.close();
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

async function login(username: string, password: string, secret: Buffer) {
  s.clock.tick();
  return s.app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password, totp: totpCodeAt(secret, s.clock.now()) } });
}

describe("the pepper: a backup without the key file gives nothing to guess against", () => {
  it("neither the password hash nor the wrapped private key accepts the right password without our key file", async () => {
    const [u] = await s.ctx.db.select().from(users).where(eq(users.id, s.staff.op1.userId));
    expect(await verifyPassword(u!.passwordHash, TEST_PASSWORD, pepperOf(s.ctx.keys))).toBe(true); // the server can
    expect(await verifyPassword(u!.passwordHash, TEST_PASSWORD, pepperOf(otherKeys))).toBe(false);
    expect(await verifyPassword(u!.passwordHash, TEST_PASSWORD, null)).toBe(false);
    expect(await verifyPassword(u!.passwordHash.replace(/^pp1\$/, ""), TEST_PASSWORD, null)).toBe(false);
    expect(await unlockStaffKey(s.ctx.db, otherKeys, s.staff.op1.userId, TEST_PASSWORD)).toBeNull();
    expect(await unlockStaffKey(s.ctx.db, s.ctx.keys, s.staff.op1.userId, TEST_PASSWORD)).not.toBeNull();
  });

  it("the printed recovery key still opens the account after the key file is lost", async () => {
    const op = s.staff.op2;
    const [row] = await s.ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, op.userId));
    // The new server has a new key file: the old password copy no longer opens.
    const newServer = { ...s.ctx, keys: otherKeys };
    expect(await unlockStaffKey(s.ctx.db, otherKeys, op.userId, TEST_PASSWORD)).toBeNull();
    await recoverStaffKey(newServer, op.username, { recoveryKey: op.recoveryKey! }, "a fresh start after the lost key file");
    const opened = await unlockStaffKey(s.ctx.db, otherKeys, op.userId, "a fresh start after the lost key file");
    expect(opened).not.toBeNull();
    expect(publicKeyOf(opened!).equals(row!.publicKey)).toBe(true); // the same key: every sealed case still opens
  });

  it("a hash from before the pepper still signs in, and is replaced by a peppered one", async () => {
    const op = s.staff.op1;
    await s.ctx.db.update(users).set({ passwordHash: await hashPassword(TEST_PASSWORD, null) }).where(eq(users.id, op.userId));
    const r = await login(op.username, TEST_PASSWORD, op.totpSecret!);
    expect(r.statusCode, r.body).toBe(200);
    const [u] = await s.ctx.db.select().from(users).where(eq(users.id, op.userId));
    expect(u!.passwordHash.startsWith("pp1$")).toBe(true);
    expect(cookieFrom(r)).toBeTruthy();
  });
});

describe("password strength", () => {
  it("a guessable password is refused at set-up with a field error, and no account is made", async () => {
    const inv = await s.admin.request("POST", "/api/staff/invitations", { role: "operator", username: "weakling" });
    const token = /#token=(.+)$/.exec(inv.json().link)![1];
    for (const password of ["password1234", "weakling2024!", "qwertyuiop123"]) {
      const r = await s.app.inject({ method: "POST", url: "/api/setup/accept", payload: { token, username: "weakling", displayName: "Weak Ling", password } });
      expect(r.statusCode, password).toBe(400);
      expect(r.json().error).toMatchObject({ code: "validation_failed", details: [{ path: "/password", message: "weak_password" }] });
    }
    expect(await s.ctx.db.select().from(users).where(eq(users.username, "weakling"))).toHaveLength(0);
    // The same link still works with a good password: the refusals consumed nothing.
    const ok = await s.app.inject({ method: "POST", url: "/api/setup/accept", payload: { token, username: "weakling", displayName: "Weak Ling", password: "river lantern copper window" } });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it("a password change to a guessable one is refused and the old password keeps working", async () => {
    const r = await s.admin.request("POST", "/api/auth/password", { current: TEST_PASSWORD, next: "1234567890ab" });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details[0]).toMatchObject({ path: "/next", message: "weak_password" });
    const [u] = await s.ctx.db.select().from(users).where(eq(users.id, s.admin.userId));
    expect(await verifyPassword(u!.passwordHash, TEST_PASSWORD, pepperOf(s.ctx.keys))).toBe(true);
  });
});
