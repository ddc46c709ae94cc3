import { describe, expect, it } from "vitest";
import {
  enrolStaffKeys,
  generateKeyPair,
  generateStaffKeyPair,
  isCryptoError,
  KEY_DERIVATION_PARAMS,
  passwordWrapNeedsUpgrade,
  rewrapWithPassword,
  unwrapWithEscrow,
  unwrapWithPassword,
  unwrapWithRecoveryKey,
  wrapWithEscrow,
  wrapWithPassword,
  wrapWithRecoveryKey,
} from "../../../src/server/crypto/index.js";
import { encodeRecoveryKey, generateRecoveryKey, parseRecoveryKey } from "../../../src/server/crypto/recovery-key.js";

// Argon2 at 64 MiB costs ~100 ms a run; the library refuses cheaper parameters, so these tests
// keep the number of password wraps and unwraps small (about a dozen in all).

// The server's pepper sub-key in real use; any 32 bytes here.
const PEPPER = Buffer.alloc(32, 7);
const OTHER_PEPPER = Buffer.alloc(32, 8);

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (err) {
    expect(isCryptoError(err), String(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected CryptoError ${code}`);
}

describe("staff keys", () => {
  it("enrols with default Argon2id parameters (>= 64 MiB) and every copy restores the same key", async () => {
    const escrow = generateKeyPair();
    const e = await enrolStaffKeys({ userId: "u1", password: "pw one", pepper: PEPPER, escrowPublicKey: escrow.publicKey });
    expect(e.passwordWrapped).toMatch(/^spk1\$pwp\$t=3,m=65536\$/);
    expect(KEY_DERIVATION_PARAMS.memlimit).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    const original = Buffer.from(e.keyPair.privateKey);

    const byPassword = await unwrapWithPassword(e.passwordWrapped, "pw one", "u1", PEPPER, e.keyPair.publicKey);
    const byRecovery = unwrapWithRecoveryKey(e.recoveryWrapped, e.recoveryKey, "u1", e.keyPair.publicKey);
    const byEscrow = unwrapWithEscrow(e.escrowWrapped ?? "", escrow, "u1", e.keyPair.publicKey);
    for (const pair of [byPassword, byRecovery, byEscrow]) {
      expect(pair.privateKey.equals(original)).toBe(true);
      expect(pair.publicKey.equals(e.keyPair.publicKey)).toBe(true);
    }
    expect(passwordWrapNeedsUpgrade(e.passwordWrapped)).toBe(false);
  });

  it("rejects a wrong password, a wrong user id and a wrong expected public key", async () => {
    const pair = generateStaffKeyPair();
    const wrapped = await wrapWithPassword(pair.privateKey, "secret", "u1", PEPPER);
    expect(passwordWrapNeedsUpgrade(wrapped)).toBe(false);
    expect(passwordWrapNeedsUpgrade(wrapped.replace("t=3,m=65536", "t=2,m=65536"))).toBe(true);
    await expectCode(wrapWithPassword(pair.privateKey, "x", "u1", PEPPER, { opslimit: 1, memlimit: 8 << 20 }), "INVALID_INPUT");
    await expectCode(unwrapWithPassword(wrapped, "Secret", "u1", PEPPER), "DECRYPT_FAILED");
    await expectCode(unwrapWithPassword(wrapped, "secret", "u2", PEPPER), "DECRYPT_FAILED");
    await expectCode(unwrapWithPassword(wrapped, "secret", "u1", PEPPER, generateKeyPair().publicKey), "KEY_MISMATCH");
  });

  it("password change rewraps the same key: the new password opens it, the old one does not", async () => {
    const pair = generateStaffKeyPair();
    const before = await wrapWithPassword(pair.privateKey, "old password", "u1", PEPPER);
    const after = await rewrapWithPassword(before, "old password", "new password", "u1", PEPPER);
    const opened = await unwrapWithPassword(after, "new password", "u1", PEPPER);
    expect(opened.privateKey.equals(pair.privateKey)).toBe(true);
    await expectCode(unwrapWithPassword(after, "old password", "u1", PEPPER), "DECRYPT_FAILED");
    await expectCode(rewrapWithPassword(before, "not the old one", "x", "u1", PEPPER), "DECRYPT_FAILED");
  });

  it("the database copy alone opens nothing: without the pepper even the right password fails", async () => {
    const pair = generateStaffKeyPair();
    const wrapped = await wrapWithPassword(pair.privateKey, "right password", "u1", PEPPER);
    // An attacker with a backup but not the key file tries the right password with a guessed pepper.
    await expectCode(unwrapWithPassword(wrapped, "right password", "u1", OTHER_PEPPER), "DECRYPT_FAILED");
    // Stripping the pepper mark does not help either: the key-encryption key differs.
    await expectCode(unwrapWithPassword(wrapped.replace("spk1$pwp$", "spk1$pw$"), "right password", "u1", PEPPER), "DECRYPT_FAILED");
    expect((await unwrapWithPassword(wrapped, "right password", "u1", PEPPER)).privateKey.equals(pair.privateKey)).toBe(true);
    expect(passwordWrapNeedsUpgrade(wrapped)).toBe(false);
  });

  it("rejects a malformed or tampered password-wrapped string", async () => {
    const pair = generateStaffKeyPair();
    const wrapped = await wrapWithPassword(pair.privateKey, "pw", "u1", PEPPER);
    await expectCode(unwrapWithPassword("spk1$rk$abc$def", "pw", "u1", PEPPER), "INVALID_FORMAT");
    await expectCode(unwrapWithPassword(wrapped.replace("t=3,m=65536", "t=3,m=99999999"), "pw", "u1", PEPPER), "INVALID_FORMAT");
    const parts = wrapped.split("$");
    const ct = Buffer.from(parts[5] ?? "", "base64url");
    ct[3] = (ct[3] ?? 0) ^ 1;
    parts[5] = ct.toString("base64url");
    await expectCode(unwrapWithPassword(parts.join("$"), "pw", "u1", PEPPER), "DECRYPT_FAILED");
  });

  it("recovery key: printable groups with a checksum that catches typos", () => {
    const key = generateRecoveryKey();
    expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/);
    // Lower case, spaces instead of dashes, O for 0 and L for 1: still the same key.
    const sloppy = key.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l");
    expect(parseRecoveryKey(sloppy).equals(parseRecoveryKey(key))).toBe(true);
    // Every single-character substitution is caught.
    const compact = key.replace(/-/g, "");
    for (let i = 0; i < compact.length; i++) {
      const c = compact.charAt(i);
      const typo = compact.slice(0, i) + (c === "7" ? "8" : "7") + compact.slice(i + 1);
      expect(() => parseRecoveryKey(typo)).toThrow(/checksum|non-canonical/);
    }
    expect(() => parseRecoveryKey(compact.slice(1))).toThrow(/expected 32 characters/);
    const secret = Buffer.alloc(16, 7);
    expect(parseRecoveryKey(encodeRecoveryKey(secret)).equals(secret)).toBe(true);
  });

  it("recovery key wrap: round trip, and a wrong key or user fails", async () => {
    const pair = generateStaffKeyPair();
    const rk = generateRecoveryKey();
    const wrapped = wrapWithRecoveryKey(pair.privateKey, rk, "u1");
    expect(wrapped).toMatch(/^spk1\$rk\$/);
    expect(unwrapWithRecoveryKey(wrapped, rk, "u1").privateKey.equals(pair.privateKey)).toBe(true);
    await expectCode(() => unwrapWithRecoveryKey(wrapped, generateRecoveryKey(), "u1"), "DECRYPT_FAILED");
    await expectCode(() => unwrapWithRecoveryKey(wrapped, rk, "u2"), "DECRYPT_FAILED");
  });

  it("escrow wrap: bound to the user id, only the escrow key opens it", async () => {
    const escrow = generateKeyPair();
    const pair = generateStaffKeyPair();
    const wrapped = wrapWithEscrow(pair.privateKey, escrow.publicKey, "u1");
    expect(unwrapWithEscrow(wrapped, escrow, "u1").privateKey.equals(pair.privateKey)).toBe(true);
    await expectCode(() => unwrapWithEscrow(wrapped, escrow, "u2"), "KEY_MISMATCH");
    await expectCode(() => unwrapWithEscrow(wrapped, generateKeyPair(), "u1"), "DECRYPT_FAILED");
  });
});
