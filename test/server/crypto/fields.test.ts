import { describe, expect, it } from "vitest";
import {
  CASE_KEY_BYTES,
  decryptField,
  decryptFieldText,
  decryptJson,
  encryptField,
  encryptJson,
  generateCaseKey,
  generateKeyPair,
  isCryptoError,
  openCaseKey,
  sealCaseKey,
} from "../../../src/server/crypto/index.js";
import { SecureArena } from "../../../src/server/crypto/secure.js";
import { sealTo } from "../../../src/server/crypto/box.js";
import type { FieldContext } from "../../../src/server/crypto/index.js";

const ctx: FieldContext = { caseId: "case-1", table: "applicants", field: "full_name" };

function failsWith(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(isCryptoError(err), String(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe("case keys", () => {
  it("are random, 32 bytes, and open only for the recipient", () => {
    const k1 = generateCaseKey();
    const k2 = generateCaseKey();
    expect(k1).toHaveLength(CASE_KEY_BYTES);
    expect(k1.equals(k2)).toBe(false);
    const staff = generateKeyPair();
    const sealed = sealCaseKey(k1, staff.publicKey);
    expect(openCaseKey(sealed, staff.publicKey, staff.privateKey).equals(k1)).toBe(true);
    const other = generateKeyPair();
    failsWith(() => openCaseKey(sealed, other.publicKey, other.privateKey), "DECRYPT_FAILED");
    const tampered = Buffer.from(sealed);
    tampered[40] = (tampered[40] ?? 0) ^ 0x01;
    failsWith(() => openCaseKey(tampered, staff.publicKey, staff.privateKey), "DECRYPT_FAILED");
  });

  it("open into an arena's slots the same way, refuse the same attacks, and are zero once it closes", () => {
    const staff = generateKeyPair();
    const keys = [generateCaseKey(), generateCaseKey(), generateCaseKey()];
    const arena = new SecureArena();
    const opened = keys.map((k) => openCaseKey(sealCaseKey(k, staff.publicKey), staff.publicKey, staff.privateKey, arena));
    opened.forEach((o, i) => expect(o.equals(keys[i]!)).toBe(true));
    const sealed = sealCaseKey(keys[0]!, staff.publicKey);
    const other = generateKeyPair();
    failsWith(() => openCaseKey(sealed, other.publicKey, other.privateKey, arena), "DECRYPT_FAILED");
    // A box of another length (a longer secret sealed to the same key) is not taken for a case key.
    failsWith(() => openCaseKey(sealTo(staff.publicKey, Buffer.alloc(CASE_KEY_BYTES + 8, 7)), staff.publicKey, staff.privateKey, arena), "INVALID_FORMAT");
    arena.close();
    for (const o of opened) expect(o.every((b) => b === 0)).toBe(true);
  });
});

describe("field encryption", () => {
  const key = generateCaseKey();

  it("round-trips text, bytes, empty and non-Latin values", () => {
    for (const value of ["Иванов Иван Иванович", "", "x".repeat(5000), "emoji 🙂 and \u0000 nul"]) {
      const stored = encryptField(key, ctx, value);
      expect(stored[0]).toBe(1);
      expect(decryptFieldText(key, ctx, stored)).toBe(value);
    }
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(decryptField(key, ctx, encryptField(key, ctx, bytes)).equals(bytes)).toBe(true);
  });

  it("hides exact lengths (32-byte steps) and never repeats a ciphertext", () => {
    const a = encryptField(key, ctx, "Ivan");
    const b = encryptField(key, ctx, "Konstantin Konstantinopolsky"); // 28 bytes: same 32-byte block
    expect(a.length).toBe(b.length);
    expect(encryptField(key, ctx, "Ivan").equals(a)).toBe(false);
    expect(a.includes(Buffer.from("Ivan"))).toBe(false);
  });

  it("a ciphertext moved to another case, table, field or row does not decrypt", () => {
    const stored = encryptField(key, ctx, "secret");
    failsWith(() => decryptField(key, { ...ctx, caseId: "case-2" }, stored), "DECRYPT_FAILED");
    failsWith(() => decryptField(key, { ...ctx, table: "contacts" }, stored), "DECRYPT_FAILED");
    failsWith(() => decryptField(key, { ...ctx, field: "phone" }, stored), "DECRYPT_FAILED");
    failsWith(() => decryptField(key, { ...ctx, rowId: "r1" }, stored), "DECRYPT_FAILED");
    const inRow = encryptField(key, { ...ctx, rowId: "r1" }, "secret");
    failsWith(() => decryptField(key, { ...ctx, rowId: "r2" }, inRow), "DECRYPT_FAILED");
    expect(decryptFieldText(key, { ...ctx, rowId: "r1" }, inRow)).toBe("secret");
    // Boundaries between parts are unambiguous: ("ab","c") is not ("a","bc").
    const split = encryptField(key, { caseId: "ab", table: "c", field: "f" }, "v");
    failsWith(() => decryptField(key, { caseId: "a", table: "bc", field: "f" }, split), "DECRYPT_FAILED");
  });

  it("every tampered byte is detected; a wrong key fails; garbage is INVALID_FORMAT", () => {
    const stored = encryptField(key, ctx, "tamper me");
    for (let i = 1; i < stored.length; i++) {
      const t = Buffer.from(stored);
      t[i] = (t[i] ?? 0) ^ 0x80;
      failsWith(() => decryptField(key, ctx, t), "DECRYPT_FAILED");
    }
    const versioned = Buffer.from(stored);
    versioned[0] = 2;
    failsWith(() => decryptField(key, ctx, versioned), "INVALID_FORMAT");
    failsWith(() => decryptField(key, ctx, stored.subarray(0, 20)), "INVALID_FORMAT");
    failsWith(() => decryptField(generateCaseKey(), ctx, stored), "DECRYPT_FAILED");
    failsWith(() => encryptField(key, { ...ctx, caseId: "" }, "x"), "INVALID_INPUT");
  });

  it("JSON helpers round-trip structured values", () => {
    const value = { lat: 50.45, lon: 30.52, note: "у моста", tags: ["a", 1, null] };
    const stored = encryptJson(key, { ...ctx, field: "location" }, value);
    expect(decryptJson(key, { ...ctx, field: "location" }, stored)).toEqual(value);
    failsWith(() => decryptJson(key, ctx, encryptField(key, ctx, "{not json")), "INVALID_FORMAT");
    failsWith(() => encryptJson(key, ctx, undefined), "INVALID_INPUT");
  });
});
