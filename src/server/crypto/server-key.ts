import fs from "node:fs";
import path from "node:path";
import sodium from "sodium-native";
import { randomBytes } from "./random.js";

/**
 * The server key: 32 random bytes in a file outside the database (SECURITY.md: a stolen database
 * must reveal nothing). Sub-keys for each purpose are derived from it with libsodium's KDF, so
 * one file serves TOTP secret wrapping, the audit chain MAC and the blind indexes, and none of
 * those keys can be computed from another.
 */
export type ServerKeyPurpose = "totp" | "audit" | "index" | "ratelimit" | "csrf" | "channels" | "keyrows" | "pepper" | "ledger";

const CONTEXT = "SPserver"; // crypto_kdf contexts are exactly 8 bytes
// "channels": channel addresses and outbox payloads the delivery job must read without any staff key,
// and the keyed hashes of channel update and message ids (src/server/channels).
// "keyrows": MACs of the public-key rows (staff, team, escrow), so a database writer cannot plant his own key.
// "ledger": the MAC chain of the reward ledger (rewards/ledger.ts), apart from the audit chain's key.
// "pepper": mixed into staff password hashes and password key-encryption keys, so a backup (which
// leaves the key file out) gives nothing to guess passwords against offline.
const SUBKEY_IDS: Record<ServerKeyPurpose, number> = { totp: 1, audit: 2, index: 3, ratelimit: 4, csrf: 5, channels: 6, keyrows: 7, pepper: 8, ledger: 9 };

export interface ServerKeys {
  subkey(purpose: ServerKeyPurpose): Buffer;
}

/**
 * The key file must be the service account's alone: an existing file that group or others may
 * read (or write) is refused in every environment, because it may already have been copied.
 */
export function assertKeyFilePrivate(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`the server key file ${file} has mode 0${mode.toString(8)}: group or others can read it. Make it private (chmod 600 ${file}) and consider it exposed if others could log in to this machine.`);
  }
}

export function loadOrCreateServerKey(file: string): ServerKeys {
  let master: Buffer;
  if (fs.existsSync(file)) {
    assertKeyFilePrivate(file);
    master = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
    if (master.length !== sodium.crypto_kdf_KEYBYTES) throw new Error(`server key file ${file} must hold ${sodium.crypto_kdf_KEYBYTES} bytes in hex`);
  } else {
    master = randomBytes(sodium.crypto_kdf_KEYBYTES);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, master.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  }
  const secure = sodium.sodium_malloc(sodium.crypto_kdf_KEYBYTES);
  master.copy(secure);
  sodium.sodium_memzero(master);
  const cache = new Map<ServerKeyPurpose, Buffer>();
  return {
    subkey(purpose) {
      let key = cache.get(purpose);
      if (!key) {
        key = sodium.sodium_malloc(32);
        sodium.crypto_kdf_derive_from_key(key, SUBKEY_IDS[purpose], Buffer.from(CONTEXT), secure);
        cache.set(purpose, key);
      }
      return key;
    },
  };
}

/** XChaCha20-Poly1305 under a server sub-key, for small secrets such as TOTP seeds. */
export function sealWithServerKey(key: Buffer, plaintext: Buffer, ad: string): Buffer {
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const out = Buffer.alloc(plaintext.length + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out, plaintext, Buffer.from(ad), null, nonce, key);
  return Buffer.concat([nonce, out]);
}

export function openWithServerKey(key: Buffer, sealed: Buffer, ad: string): Buffer {
  const n = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const out = Buffer.alloc(sealed.length - n - sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES);
  sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, sealed.subarray(n), Buffer.from(ad), sealed.subarray(0, n), key);
  return out;
}

/** Keyed MAC (BLAKE2b) used by the audit chain: only a holder of the server key can extend it. */
export function mac(key: Buffer, message: Buffer): Buffer {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, message, key);
  return out;
}

/**
 * MAC of a key row: a kind tag and the row's fields, each length-prefixed so that no two rows
 * encode alike ("ab"+"c" and "a"+"bc" differ). Only a holder of the server key can make one.
 */
export function keyRowMac(key: Buffer, kind: string, fields: (string | number | Buffer)[]): Buffer {
  const parts = [kind, ...fields].map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(String(f), "utf8")));
  const framed = Buffer.concat(parts.flatMap((p) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(p.length);
    return [len, p];
  }));
  return mac(key, framed);
}

/** Constant-time comparison of a stored MAC with the expected one; a missing MAC never matches. */
export function keyRowMacMatches(key: Buffer, stored: Buffer | null, kind: string, fields: (string | number | Buffer)[]): boolean {
  if (!stored || stored.length !== 32) return false;
  return sodium.sodium_memcmp(stored, keyRowMac(key, kind, fields));
}
