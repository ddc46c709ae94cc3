import sodium from "sodium-native";
import { pwhash } from "../crypto/sodium-api.js";
import type { FormToken, Work } from "./form-token.js";

/**
 * Memory-hard proof of work for the applicant forms while the flood switch is on.
 *
 * The browser (pow-script.ts, with hash-wasm's Argon2 build served from this server) looks for a
 * decimal nonce such that Argon2id(password "<token>:<nonce>", salt = the token's 16 random
 * bytes, t = 1, m = the token's memory, p = 1, 32 bytes) starts with <bits> zero bits: about
 * 2^bits Argon2 runs on average. The server checks a solution with one crypto_pwhash call of the
 * same parameters. Argon2 is bound by memory bandwidth, so native code or a GPU gains far less
 * over a phone than with SHA-256, and what the attacker pays is measured against what the server
 * pays for the request he gets in (`npm run bench`, bench/pow.bench.ts).
 */
export const POW_ITERATIONS = 1;
const MAX_NONCE_LENGTH = 12;

export type PowVerdict = "ok" | "missing" | "invalid";

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let n = 0;
  for (const byte of digest) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

function input(token: string, nonce: string): Buffer {
  return Buffer.from(`${token}:${nonce}`, "utf8");
}

/** One Argon2id run, off the event loop, in the lane of the work in progress (argon2-lane.ts). */
export async function powDigest(token: string, salt: Buffer, nonce: string, memoryKiB: number): Promise<Buffer> {
  const out = Buffer.alloc(32);
  await pwhash.crypto_pwhash_async(out, input(token, nonce), salt, POW_ITERATIONS, memoryKiB * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
  return out;
}

/**
 * Check a solution against a token whose MAC was verified. `least` is the work required now: a
 * token issued at a lower difficulty before the flood grew is still honoured down to the base,
 * and never one asking less memory than configured.
 */
export async function verifyWork(t: FormToken, nonce: string | undefined, least: Work): Promise<PowVerdict> {
  if (!nonce) return "missing";
  if (nonce.length > MAX_NONCE_LENGTH || !/^\d+$/.test(nonce)) return "invalid";
  if (t.work.bits < least.bits || t.work.memoryKiB < least.memoryKiB) return "invalid";
  const digest = await powDigest(t.token, t.id, nonce, t.work.memoryKiB);
  return leadingZeroBits(digest) >= t.work.bits ? "ok" : "invalid";
}

/** Find a nonce natively, on one core (tests and the benchmark; browsers run pow-script.ts). */
export function solveWork(token: string, salt: Buffer, work: Work): { nonce: string; runs: number } {
  const out = Buffer.alloc(32);
  for (let n = 0; ; n++) {
    sodium.crypto_pwhash(out, input(token, String(n)), salt, POW_ITERATIONS, work.memoryKiB * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
    if (leadingZeroBits(out) >= work.bits) return { nonce: String(n), runs: n + 1 };
  }
}
