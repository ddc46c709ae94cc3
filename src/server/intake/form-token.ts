import { mac } from "../crypto/server-key.js";
import { constantTimeEqual, randomBytes } from "../crypto/random.js";

/**
 * The token every applicant form carries in a hidden field, issued with the page that shows the
 * form. It is what the public POSTs are keyed on, since behind a proxy or an onion service every
 * client has the same address:
 * - the per-client buckets count posts per token, so ten junk posts lock out nobody but the
 *   poster (routes.ts);
 * - while the flood switch is on it is also the proof-of-work challenge: the work asked of the
 *   browser (Argon2id memory and leading zero bits) is in the token, under the MAC (pow.ts);
 * - its random id is spent once in the database (spent-tokens.ts): a solution serves once in
 *   every instance, and a request form's token remembers that it produced a request;
 * - the reply and leave forms are bound to the applicant's session cookie, so a token copied
 *   from another page or another person opens nothing (cross-site posts, see origin.ts).
 *
 * Format: "<purpose>.<bits>.<memory KiB>.<expiry, unix s>.<16 random bytes>.<MAC>", the MAC a
 * keyed BLAKE2b under the server's rate-limit sub-key, so the server keeps no list of what it
 * issued. Bits 0 means "no work asked".
 */
export const FORM_TOKEN_FIELD = "form_token";
/** Long enough to fill in the request form slowly; a session-bound form dies with its session anyway. */
export const FORM_TOKEN_TTL_MS = 3 * 3600_000;

const PURPOSES = { request: "q", return: "c", reply: "m", leave: "l", confirm: "k" } as const;
export type FormPurpose = keyof typeof PURPOSES;

export interface Work {
  /** Leading zero bits asked of Argon2id(token:nonce); 0 = none. */
  bits: number;
  memoryKiB: number;
}
export const NO_WORK: Work = { bits: 0, memoryKiB: 0 };

export interface FormToken {
  token: string;
  purpose: FormPurpose;
  /** The 16 random bytes: the spent-token key and the Argon2 salt. */
  id: Buffer;
  work: Work;
  expiresMs: number;
}

export type TokenCheck = { ok: true; value: FormToken; expired: boolean } | { ok: false; reason: "missing" | "invalid" };

function tag(key: Buffer, body: string, binding: string): string {
  return mac(key, Buffer.from(`safe-passage/form-token/v2\0${body}\0${binding}`, "utf8"))
    .subarray(0, 16)
    .toString("base64url");
}

export function issueFormToken(key: Buffer, purpose: FormPurpose, work: Work, nowMs: number, binding = ""): string {
  const body = `${PURPOSES[purpose]}.${work.bits}.${work.bits ? work.memoryKiB : 0}.${Math.floor((nowMs + FORM_TOKEN_TTL_MS) / 1000)}.${randomBytes(16).toString("base64url")}`;
  return `${body}.${tag(key, body, binding)}`;
}

/**
 * Check a token's MAC and purpose (one keyed hash: safe to run on every post). An expired token
 * is returned with `expired` so that the caller can still recognise a request it already took.
 */
export function readFormToken(key: Buffer, token: string | undefined, purpose: FormPurpose, nowMs: number, binding = ""): TokenCheck {
  if (!token) return { ok: false, reason: "missing" };
  if (token.length > 120) return { ok: false, reason: "invalid" };
  const parts = token.split(".");
  if (parts.length !== 6) return { ok: false, reason: "invalid" };
  const [p, bitsText, memText, expText, rand, presented] = parts as [string, string, string, string, string, string];
  if (p !== PURPOSES[purpose] || !/^\d{1,2}$/.test(bitsText) || !/^\d{1,7}$/.test(memText) || !/^\d{1,12}$/.test(expText) || !/^[A-Za-z0-9_-]{22}$/.test(rand)) {
    return { ok: false, reason: "invalid" };
  }
  const expected = tag(key, parts.slice(0, 5).join("."), binding);
  if (!constantTimeEqual(Buffer.from(expected), Buffer.from(presented))) return { ok: false, reason: "invalid" };
  const expiresMs = Number(expText) * 1000;
  return {
    ok: true,
    expired: expiresMs <= nowMs,
    value: { token, purpose, id: Buffer.from(rand, "base64url"), work: { bits: Number(bitsText), memoryKiB: Number(memText) }, expiresMs },
  };
}

/** What a session-bound form is bound to: a keyed hash of the applicant's cookie (never the cookie itself). */
export function sessionBinding(key: Buffer, cookieValue: string | undefined): string {
  if (!cookieValue) return "no-session";
  return mac(key, Buffer.from(`safe-passage/form-binding/v1\0${cookieValue}`, "utf8")).toString("base64url");
}
