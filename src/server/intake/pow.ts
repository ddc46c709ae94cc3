import { createHash } from "node:crypto";
import { mac } from "../crypto/server-key.js";
import { constantTimeEqual, randomBytes } from "../crypto/random.js";

/**
 * Hashcash-style proof of work for the applicant forms while the flood switch is on.
 *
 * Challenge (a hidden form field): "<bits>.<expiry, unix s>.<16 random bytes>.<MAC>", the MAC a
 * keyed BLAKE2b under the server's rate-limit sub-key, so the server keeps no list of what it
 * issued. The browser (pow-script.ts) looks for a decimal nonce such that
 * SHA-256("<challenge>:<nonce>") starts with <bits> zero bits: about 2^bits hashes on average.
 * The server checks it with one MAC and one SHA-256, then remembers the challenge until it
 * expires so that a solution serves once.
 */
export const CHALLENGE_TTL_MS = 30 * 60_000;
const MAX_NONCE_LENGTH = 16;

export type PowVerdict = "ok" | "missing" | "invalid" | "expired" | "reused";

function tag(key: Buffer, body: string): string {
  return mac(key, Buffer.from(`safe-passage/pow/v1\0${body}`, "utf8")).subarray(0, 16).toString("base64url");
}

export function issueChallenge(key: Buffer, bits: number, nowMs: number): string {
  const body = `${bits}.${Math.floor((nowMs + CHALLENGE_TTL_MS) / 1000)}.${randomBytes(16).toString("base64url")}`;
  return `${body}.${tag(key, body)}`;
}

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

export function powDigest(challenge: string, nonce: string): Buffer {
  return createHash("sha256").update(`${challenge}:${nonce}`, "utf8").digest();
}

/** Challenges already used, until they expire. Bounded: when full, old entries go first. */
export class SpentChallenges {
  private readonly seen = new Map<string, number>();
  constructor(private readonly max = 200_000) {}

  /** True if it was not spent before (and marks it spent). */
  spend(id: string, expiresMs: number, nowMs: number): boolean {
    if (this.seen.has(id)) return false;
    if (this.seen.size >= this.max) this.sweep(nowMs);
    // Still full of live entries: drop the oldest. An attacker who fills this map has solved
    // `max` challenges already; the evicted ones are near their expiry anyway.
    while (this.seen.size >= this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    this.seen.set(id, expiresMs);
    return true;
  }

  private sweep(nowMs: number): void {
    for (const [id, exp] of this.seen) if (exp <= nowMs) this.seen.delete(id);
  }
}

/**
 * Check a solution. `minBits` is the difficulty required now: a challenge issued at a lower
 * difficulty before the flood grew is still honoured (he solved what he was asked), but never
 * one below the base difficulty of an active switch.
 */
export function verifySolution(key: Buffer, challenge: string | undefined, nonce: string | undefined, minBits: number, nowMs: number, spent: SpentChallenges): PowVerdict {
  if (!challenge || !nonce) return "missing";
  if (challenge.length > 200 || nonce.length > MAX_NONCE_LENGTH || !/^\d+$/.test(nonce)) return "invalid";
  const parts = challenge.split(".");
  if (parts.length !== 4) return "invalid";
  const [bitsText, expText, rand, presented] = parts as [string, string, string, string];
  if (!/^\d{1,2}$/.test(bitsText) || !/^\d{1,12}$/.test(expText) || !/^[A-Za-z0-9_-]{22}$/.test(rand)) return "invalid";
  const expected = tag(key, `${bitsText}.${expText}.${rand}`);
  if (!constantTimeEqual(Buffer.from(expected), Buffer.from(presented))) return "invalid";
  const bits = Number(bitsText);
  if (bits < minBits) return "invalid";
  const expiresMs = Number(expText) * 1000;
  if (expiresMs <= nowMs) return "expired";
  if (leadingZeroBits(powDigest(challenge, nonce)) < bits) return "invalid";
  return spent.spend(rand, expiresMs, nowMs) ? "ok" : "reused";
}

/** Find a nonce (tests and the benchmark; browsers run pow-script.ts). */
export function solveChallenge(challenge: string): string {
  const bits = Number(challenge.split(".")[0]);
  for (let n = 0; ; n++) {
    if (leadingZeroBits(powDigest(challenge, String(n))) >= bits) return String(n);
  }
}
