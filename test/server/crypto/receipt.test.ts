import { describe, expect, it } from "vitest";
import {
  deriveApplicantKeyPair,
  generateApplicantSalt,
  generateReceiptCode,
  generateReceiptWords,
  hashReceiptCode,
  normaliseReceiptCode,
  openSealed,
  randomBytes,
  RECEIPT_HASH_PARAMS,
  RECEIPT_WORDS,
  receiptLookupKey,
  sealTo,
  verifyReceiptCandidates,
  verifyReceiptCode,
} from "../../../src/server/crypto/index.js";

describe("receipt codes", () => {
  it("digit codes: 16 digits in groups of 4, unique over many draws, roughly uniform", () => {
    const seen = new Set<string>();
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const code = generateReceiptCode();
      expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      seen.add(code);
      for (const d of code.replace(/ /g, "")) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
    }
    expect(seen.size).toBe(20_000);
    const expected = (20_000 * 16) / 10;
    for (const c of counts) expect(Math.abs(c - expected) / expected).toBeLessThan(0.05);
  });

  it("word codes: 7 words from a list of >= 2048 distinct lowercase words of 3-8 letters", () => {
    expect(RECEIPT_WORDS.length).toBeGreaterThanOrEqual(2048);
    expect(new Set(RECEIPT_WORDS).size).toBe(RECEIPT_WORDS.length);
    for (const w of RECEIPT_WORDS) expect(w).toMatch(/^[a-z]{3,8}$/);
    const list = new Set(RECEIPT_WORDS);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const code = generateReceiptWords();
      const words = code.split(" ");
      expect(words).toHaveLength(7);
      expect(words.every((w) => list.has(w))).toBe(true);
      seen.add(code);
    }
    expect(seen.size).toBe(5000);
  });

  it("normalises what people type", () => {
    expect(normaliseReceiptCode("1234 5678-9012.3456")).toBe("1234567890123456");
    expect(normaliseReceiptCode(" 1234567890123456 ")).toBe("1234567890123456");
    expect(normaliseReceiptCode("1234 5678 9012 345")).toBeNull();
    const words = generateReceiptWords();
    expect(normaliseReceiptCode(`  ${words.toUpperCase().replace(/ /g, " - ")} `)).toBe(words);
    expect(normaliseReceiptCode("bado kemi tuzo")).toBeNull();
    expect(normaliseReceiptCode("xxxx kemi tuzo bado kemi tuzo bado")).toBeNull();
    // Typed by sound on a Russian keyboard.
    expect(normaliseReceiptCode("бадо кеми тузо бадо кеми тузо ноги")).toBe("bado kemi tuzo bado kemi tuzo nogi");
    expect(normaliseReceiptCode("")).toBeNull();
  });

  it("slow hash: verifies the right code in any spelling, not a wrong one", async () => {
    const code = generateReceiptCode();
    const hash = await hashReceiptCode(code);
    // 16 MiB, one pass: enough for a random 53-bit code (see RECEIPT_HASH_PARAMS), and cheap
    // enough that the proof of work can cost an attacker ten times the server's work.
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=16384,t=1,p=1\$/);
    expect(RECEIPT_HASH_PARAMS.memlimit).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(hash).not.toContain(code.replace(/ /g, ""));
    expect(await verifyReceiptCode(code.replace(/ /g, "-"), hash)).toBe(true);
    expect(await verifyReceiptCode(generateReceiptCode(), hash)).toBe(false);
    expect(await verifyReceiptCode("not a code", hash)).toBe(false);
    expect(await verifyReceiptCode(code, "garbage")).toBe(false);

    // Candidate rows from the lookup: the match is found, a wrong or unknown code gives null.
    const rows = [{ id: "c1", receiptHash: hash }];
    expect((await verifyReceiptCandidates(code, rows))?.id).toBe("c1");
    expect(await verifyReceiptCandidates(generateReceiptCode(), rows)).toBeNull();
    expect(await verifyReceiptCandidates(generateReceiptCode(), [])).toBeNull();
  });

  it("lookup key: keyed, short, spelling-insensitive", () => {
    const key = randomBytes(32);
    const code = generateReceiptCode();
    const lookup = receiptLookupKey(code, key);
    // 2 bytes on purpose (issue 10, item 4): a lookup narrows to a bucket, the slow hash decides.
    expect(lookup).toMatch(/^[0-9a-f]{4}$/);
    expect(receiptLookupKey(code.replace(/ /g, ""), key)).toBe(lookup);
    // Keyed: another key gives other values (over several codes, as one 16-bit value may collide).
    const other = randomBytes(32);
    const codes = Array.from({ length: 8 }, () => generateReceiptCode());
    expect(codes.map((c) => receiptLookupKey(c, other))).not.toEqual(codes.map((c) => receiptLookupKey(c, key)));
    expect(receiptLookupKey("nonsense", key)).toBeNull();
  });

  it("applicant key pair: same code and salt give the same pair; other code or salt do not", async () => {
    const code = generateReceiptWords();
    const salt = generateApplicantSalt();
    const [a, b, c, d] = await Promise.all([
      deriveApplicantKeyPair(code, salt),
      deriveApplicantKeyPair(code.toUpperCase(), salt),
      deriveApplicantKeyPair(generateReceiptWords(), salt),
      deriveApplicantKeyPair(code, generateApplicantSalt()),
    ]);
    expect(b.publicKey.equals(a.publicKey)).toBe(true);
    expect(b.privateKey.equals(a.privateKey)).toBe(true);
    expect(c.publicKey.equals(a.publicKey)).toBe(false);
    expect(d.publicKey.equals(a.publicKey)).toBe(false);
    // A reply sealed to the stored public key opens with the pair derived again from the code.
    const reply = sealTo(a.publicKey, Buffer.from("Ваш запрос получен"));
    expect(openSealed(reply, b, "reply").toString()).toBe("Ваш запрос получен");
    expect(() => openSealed(reply, c, "reply")).toThrow();
  });

  it("an applicant salt from before the versioned salts still derives with its old parameters", async () => {
    const code = generateReceiptCode();
    const v2 = generateApplicantSalt();
    expect(v2.length).toBe(17);
    const bare = v2.subarray(1); // what a case stored before: the 16 salt bytes alone (64 MiB × 3)
    const [now, before, again] = await Promise.all([deriveApplicantKeyPair(code, v2), deriveApplicantKeyPair(code, bare), deriveApplicantKeyPair(code, Buffer.from(bare))]);
    expect(before.publicKey.equals(again.publicKey)).toBe(true);
    expect(before.publicKey.equals(now.publicKey)).toBe(false); // the parameters differ, so must the key
    await expect(deriveApplicantKeyPair(code, Buffer.concat([Buffer.from([9]), bare]))).rejects.toMatchObject({ code: "INVALID_FORMAT" });
  });
});
