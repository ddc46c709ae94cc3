import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, describe, expect, it } from "vitest";
import {
  ATTACHMENT_CHUNK_BYTES,
  createDecryptStream,
  createEncryptStream,
  generateFileKey,
  isCryptoError,
  randomBytes,
  readDecryptedAttachment,
  writeEncryptedAttachment,
} from "../../../src/server/crypto/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-attach-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CANARY = Buffer.from("CANARY-Ivanov-Ivan-+79990001122-rendezvous-at-the-bridge");

/** ~1 MB of random data with the canary planted in several places, fed in uneven pieces. */
function payload(size: number): Buffer {
  const data = randomBytes(size);
  for (const at of [0, 70_000, Math.floor(size / 2), size - CANARY.length]) CANARY.copy(data, at);
  return data;
}

function pieces(data: Buffer, piece = 10_007): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += piece) yield data.subarray(i, i + piece);
    })(),
  );
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isCryptoError(err)) return err.code;
    throw err;
  }
  return "OK";
}

function listDir(): string[] {
  return fs.readdirSync(dir).sort();
}

describe("attachments", () => {
  it("round-trips ~1 MB; the file on disk is ciphertext only", async () => {
    const data = payload(1_000_003);
    const stored = await writeEncryptedAttachment(pieces(data), { dir, name: "a1.bin", maxBytes: 2_000_000 });
    expect(stored.size).toBe(data.length);
    expect(stored.path).toBe(path.join(dir, "a1.bin"));
    const onDisk = fs.readFileSync(stored.path);
    expect(onDisk.length).toBe(stored.storedSize);
    expect(onDisk.includes(CANARY)).toBe(false);
    expect(onDisk.subarray(0, 4).toString()).toBe("SPA1");
    expect(stored.ciphertextHash).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(stored.path).mode & 0o777).toBe(0o600);
    expect((await readDecryptedAttachment(stored.path, stored.fileKey)).equals(data)).toBe(true);
    expect(listDir().filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("handles empty files and exact multiples of the chunk size", async () => {
    for (const size of [0, 1, ATTACHMENT_CHUNK_BYTES, 2 * ATTACHMENT_CHUNK_BYTES, ATTACHMENT_CHUNK_BYTES + 1]) {
      const data = randomBytes(size);
      const stored = await writeEncryptedAttachment(Readable.from(size ? [data] : []), { dir, maxBytes: size });
      expect((await readDecryptedAttachment(stored.path, stored.fileKey)).equals(data)).toBe(true);
    }
  });

  it("detects truncation, tampering, appended data and a wrong key", async () => {
    const data = payload(300_000);
    const stored = await writeEncryptedAttachment(pieces(data), { dir, name: "t1.bin", maxBytes: 1_000_000 });
    const full = fs.readFileSync(stored.path);
    const headerBytes = 4 + 24;
    const sealedChunk = ATTACHMENT_CHUNK_BYTES + 17;
    const variants: Array<[string, Buffer, string]> = [
      // Cut exactly after the second whole chunk: every remaining chunk authenticates, but no FINAL.
      ["cut at chunk boundary", full.subarray(0, headerBytes + 2 * sealedChunk), "TRUNCATED"],
      ["cut mid-chunk", full.subarray(0, full.length - 100), "DECRYPT_FAILED"],
      ["header only", full.subarray(0, headerBytes), "TRUNCATED"],
      ["half a header", full.subarray(0, 10), "TRUNCATED"],
      ["appended bytes", Buffer.concat([full, Buffer.from("x".repeat(40))]), "DECRYPT_FAILED"],
      ["not an attachment", Buffer.concat([Buffer.from("NOPE"), full.subarray(4)]), "INVALID_FORMAT"],
    ];
    const flipped = Buffer.from(full);
    flipped[headerBytes + sealedChunk + 500] = (flipped[headerBytes + sealedChunk + 500] ?? 0) ^ 1;
    variants.push(["flipped bit", flipped, "DECRYPT_FAILED"]);
    const swapped = Buffer.from(full);
    full.copy(swapped, headerBytes, headerBytes + sealedChunk, headerBytes + 2 * sealedChunk);
    full.copy(swapped, headerBytes + sealedChunk, headerBytes, headerBytes + sealedChunk);
    variants.push(["reordered chunks", swapped, "DECRYPT_FAILED"]);

    for (const [label, bytes, code] of variants) {
      const file = path.join(dir, `variant-${label.replace(/\W/g, "_")}`);
      fs.writeFileSync(file, bytes);
      expect(await errorCode(readDecryptedAttachment(file, stored.fileKey)), label).toBe(code);
    }
    expect(await errorCode(readDecryptedAttachment(stored.path, generateFileKey()))).toBe("DECRYPT_FAILED");
  });

  it("enforces the size limit and leaves no file behind", async () => {
    const before = listDir();
    const data = payload(500_000);
    expect(await errorCode(writeEncryptedAttachment(pieces(data), { dir, name: "big.bin", maxBytes: 499_999 }))).toBe("TOO_LARGE");
    expect(listDir()).toEqual(before);
    expect(fs.existsSync(path.join(dir, "big.bin"))).toBe(false);
  });

  it("a failing source leaves no file behind either", async () => {
    const before = listDir();
    const failing = Readable.from(
      (async function* () {
        yield CANARY;
        yield randomBytes(100_000);
        throw new Error("client went away");
      })(),
    );
    await expect(writeEncryptedAttachment(failing, { dir, name: "gone.bin", maxBytes: 1_000_000 })).rejects.toThrow(/went away/);
    expect(listDir()).toEqual(before);
  });

  it("rejects unsafe names and existing files", async () => {
    for (const name of ["../escape", ".hidden", "a/b", ""]) {
      expect(await errorCode(writeEncryptedAttachment(Readable.from([CANARY]), { dir, name, maxBytes: 100 }))).toBe("INVALID_INPUT");
    }
    await writeEncryptedAttachment(Readable.from([CANARY]), { dir, name: "exists.bin", maxBytes: 100 });
    expect(await errorCode(writeEncryptedAttachment(Readable.from([CANARY]), { dir, name: "exists.bin", maxBytes: 100 }))).toBe("INVALID_INPUT");
  });

  it("the Transforms compose with any stream pipeline", async () => {
    const key = generateFileKey();
    const data = payload(200_000);
    const out: Buffer[] = [];
    await pipeline(pieces(data, 777), createEncryptStream(key, { maxBytes: data.length }), createDecryptStream(key), async (src: AsyncIterable<Buffer>) => {
      for await (const chunk of src) out.push(chunk);
    });
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
