import { describe, expect, it } from "vitest";
import { fromCrockford, groupChars, toCrockford } from "../../../src/server/crypto/encoding.js";
import {
  assertKeyPairMatches,
  generateKeyPair,
  keyPairMatches,
  publicKeyOf,
  randomBytes,
  secureAlloc,
  secureCopy,
  secureMove,
  wipe,
  withSecret,
  withSecretSync,
} from "../../../src/server/crypto/index.js";

describe("secure memory", () => {
  it("withSecret wipes the secret after success and after failure", async () => {
    const a = secureCopy(Buffer.from("0123456789abcdef"));
    expect((a as Buffer & { secure?: boolean }).secure).toBe(true);
    const len = await withSecret(a, (s) => s.length);
    expect(len).toBe(16);
    expect(a.every((b) => b === 0)).toBe(true);

    const b = secureCopy(Buffer.from("secret"));
    await expect(withSecret(b, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(b.every((x) => x === 0)).toBe(true);

    const c = Buffer.from("sync secret");
    expect(() => withSecretSync(c, () => { throw new Error("sync boom"); })).toThrow("sync boom");
    expect(c.every((x) => x === 0)).toBe(true);
  });

  it("secureMove copies then wipes the source; wipe handles null and views", () => {
    const src = randomBytes(32);
    const copy = Buffer.from(src);
    const moved = secureMove(src);
    expect(moved.equals(copy)).toBe(true);
    expect(src.every((x) => x === 0)).toBe(true);
    const u8 = new Uint8Array([1, 2, 3]);
    wipe(u8, null, undefined);
    expect([...u8]).toEqual([0, 0, 0]);
    expect(secureAlloc(8).every((x) => x === 0)).toBe(true);
    expect(() => secureAlloc(0)).toThrow();
  });
});

describe("encoding", () => {
  it("Crockford base32 round-trips every length and rejects non-canonical input", () => {
    for (let n = 1; n <= 40; n++) {
      const bytes = randomBytes(n);
      const text = toCrockford(bytes);
      expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]+$/);
      expect(fromCrockford(groupChars(text, 4).toLowerCase(), n).equals(bytes)).toBe(true);
    }
    expect(toCrockford(Buffer.from([0xff]))).toBe("ZW");
    expect(() => fromCrockford("ZZ", 1)).toThrow(/non-canonical/);
    expect(() => fromCrockford("U0", 1)).toThrow(/unexpected character/);
  });
});

describe("key pairs", () => {
  it("publicKeyOf recomputes the public key; mismatches are reported", () => {
    const pair = generateKeyPair();
    expect(publicKeyOf(pair.privateKey).equals(pair.publicKey)).toBe(true);
    expect(keyPairMatches(pair, pair.publicKey)).toBe(true);
    expect(keyPairMatches(pair, generateKeyPair().publicKey)).toBe(false);
    expect(() => assertKeyPairMatches(pair, generateKeyPair().publicKey, "test")).toThrow(/does not match/);
  });
});
