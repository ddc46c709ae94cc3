import sodium from "sodium-native";
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadDecrypt, aeadEncrypt } from "./aead.js";
import { fromBase64Url } from "./encoding.js";
import { CryptoError } from "./errors.js";
import { randomBytes } from "./random.js";
import { secureMove, wipe } from "./secure.js";

/**
 * Keeping a staff private key unlocked between requests without keeping it anywhere readable
 * (SECURITY.md): at login the private key is encrypted under a fresh random session secret; the
 * ciphertext goes to the database (session row), the secret goes only into the cookie. Neither
 * a database thief nor someone reading the server's memory between requests can open it, and
 * any instance behind the load balancer can, given the cookie.
 *
 * Cookie value: "s1.<session id>.<session secret>", both 32 random bytes in base64url. The
 * server stores only BLAKE2b(session id) to find the row (a leaked sessions table cannot be
 * replayed as cookies) and never the secret.
 *
 * Stored wrapped key: 0x01 | nonce (24) | XChaCha20-Poly1305(private key); the AD carries the
 * session id hash so a wrapped key cannot be moved between session rows.
 */
const COOKIE_PREFIX = "s1";
const ID_BYTES = 32;
const SECRET_BYTES = 32;
const VERSION = 0x01;

export interface SessionCookie {
  sessionId: Buffer;
  /** The key that opens the wrapped private key; lives in the cookie only. */
  sessionSecret: Buffer;
}

export interface NewSession {
  /** Set this as the (HttpOnly, Secure, SameSite=Strict) cookie value. */
  cookieValue: string;
  /** Store this as the session row's key. */
  sessionIdHash: string;
  /** Store this in the session row. */
  wrapped: Buffer;
}

/** Hash of the session id as stored in the database (hex, 64 characters). */
export function hashSessionId(sessionId: Buffer): string {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, Buffer.concat([Buffer.from("safe-passage/session-id/v1\0"), sessionId]));
  return out.toString("hex");
}

function sessionAd(sessionIdHash = ""): Buffer {
  return Buffer.from(`session-key:v1:${sessionIdHash}`, "utf8");
}

/**
 * Encrypts an unlocked private key under a new random session secret. Returns the secret (for
 * the cookie) and the ciphertext (for the DB). Pass `sessionIdHash` (startSession always does)
 * to bind the ciphertext to its row; unwrap must then be given the same hash.
 */
export function wrapForSession(privateKey: Buffer, sessionIdHash?: string): { sessionSecret: Buffer; wrapped: Buffer } {
  const sessionSecret = secureMove(randomBytes(SECRET_BYTES));
  const box = aeadEncrypt(sessionSecret, privateKey, sessionAd(sessionIdHash));
  return { sessionSecret, wrapped: Buffer.concat([Buffer.from([VERSION]), box.nonce, box.ciphertext]) };
}

/**
 * Opens the session's private key (secure memory; wipe it at the end of the request).
 * DECRYPT_FAILED for a wrong secret or a row that does not belong to this session.
 */
export function unwrapForSession(wrapped: Buffer, sessionSecret: Buffer, sessionIdHash?: string): Buffer {
  if (wrapped.length < 1 + AEAD_NONCE_BYTES + AEAD_TAG_BYTES || wrapped[0] !== VERSION) {
    throw new CryptoError("INVALID_FORMAT", "not a session wrapped key");
  }
  if (sessionSecret.length !== SECRET_BYTES) throw new CryptoError("DECRYPT_FAILED", "session secret has the wrong length");
  const box = { nonce: wrapped.subarray(1, 1 + AEAD_NONCE_BYTES), ciphertext: wrapped.subarray(1 + AEAD_NONCE_BYTES) };
  return aeadDecrypt(sessionSecret, box, sessionAd(sessionIdHash), "session wrapped key", true);
}

export function formatSessionCookie(cookie: SessionCookie): string {
  return `${COOKIE_PREFIX}.${cookie.sessionId.toString("base64url")}.${cookie.sessionSecret.toString("base64url")}`;
}

/**
 * Parses a cookie value from a request. Returns null for anything malformed: the caller answers
 * 401 exactly as for an unknown session. The secret is copied to secure memory.
 */
export function parseSessionCookie(value: string | undefined): SessionCookie | null {
  if (typeof value !== "string" || value.length > 200) return null;
  const parts = value.split(".");
  if (parts.length !== 3 || parts[0] !== COOKIE_PREFIX) return null;
  try {
    const sessionId = fromBase64Url(parts[1] ?? "", "session id");
    const secret = fromBase64Url(parts[2] ?? "", "session secret");
    if (sessionId.length !== ID_BYTES || secret.length !== SECRET_BYTES) return null;
    return { sessionId, sessionSecret: secureMove(secret) };
  } catch {
    return null;
  }
}

/** Login in one call: new session id, wrapped key, cookie value and the hash to store. */
export function startSession(privateKey: Buffer): NewSession {
  const sessionId = randomBytes(ID_BYTES);
  const sessionIdHash = hashSessionId(sessionId);
  const { sessionSecret, wrapped } = wrapForSession(privateKey, sessionIdHash);
  const cookieValue = formatSessionCookie({ sessionId, sessionSecret });
  wipe(sessionSecret);
  return { cookieValue, sessionIdHash, wrapped };
}

/**
 * Per request: from the cookie value and a lookup of the stored wrapped key by id hash, the
 * unlocked private key, or null (no such session, malformed cookie, wrong secret: all alike).
 */
export async function resumeSession(
  cookieValue: string | undefined,
  loadWrapped: (sessionIdHash: string) => Promise<Buffer | null>,
): Promise<{ sessionIdHash: string; privateKey: Buffer } | null> {
  const cookie = parseSessionCookie(cookieValue);
  if (!cookie) return null;
  try {
    const sessionIdHash = hashSessionId(cookie.sessionId);
    const wrapped = await loadWrapped(sessionIdHash);
    if (!wrapped) return null;
    return { sessionIdHash, privateKey: unwrapForSession(wrapped, cookie.sessionSecret, sessionIdHash) };
  } catch (err) {
    if (err instanceof CryptoError) return null;
    throw err;
  } finally {
    wipe(cookie.sessionSecret);
  }
}
