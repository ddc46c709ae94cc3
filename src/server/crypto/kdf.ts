import sodium from "sodium-native";
import { CryptoError } from "./errors.js";
import { pwhash } from "./sodium-api.js";
import { secureAlloc, wipe } from "./secure.js";

/**
 * Key derivation from low-entropy secrets (a password, a receipt code) with Argon2id, run on
 * threads of lower priority (crypto_pwhash_async, argon2-lane.ts) so that a login does not freeze the event loop.
 */
export interface Argon2Params {
  /** Passes over memory (Argon2 "t"). */
  opslimit: number;
  /** Memory in bytes (Argon2 "m" × 1024). */
  memlimit: number;
}

/**
 * Floor for every key derived from something a person chose or types: 64 MiB (libsodium's
 * INTERACTIVE memory) and 3 passes (one more than INTERACTIVE), parallelism 1, the same as staff
 * password hashes. About 80–150 ms on one core of a current server: bearable at login, and one
 * offline guess costs an attacker the same. Raising it later only needs a rewrap at the next
 * unlock (passwordWrapNeedsUpgrade).
 */
export const KEY_DERIVATION_PARAMS: Readonly<Argon2Params> = Object.freeze({
  opslimit: 3,
  memlimit: 64 * 1024 * 1024,
});

/** Upper bound accepted when reading stored parameters, so a forged blob cannot ask for 4 GiB. */
const MAX_MEMLIMIT = 1024 * 1024 * 1024;
const MAX_OPSLIMIT = 32;

export const SALT_BYTES = sodium.crypto_pwhash_SALTBYTES;

export function checkArgon2Params(p: Argon2Params): void {
  const ok =
    Number.isInteger(p.opslimit) &&
    Number.isInteger(p.memlimit) &&
    p.opslimit >= sodium.crypto_pwhash_OPSLIMIT_MIN &&
    p.opslimit <= MAX_OPSLIMIT &&
    p.memlimit >= sodium.crypto_pwhash_MEMLIMIT_MIN &&
    p.memlimit <= MAX_MEMLIMIT;
  if (!ok) throw new CryptoError("INVALID_FORMAT", "Argon2 parameters out of range");
}

/**
 * Argon2id(secret, salt) → `length` bytes in secure memory. `secret` is not wiped here (the
 * caller may still need it); `domain` is prepended so that one typed secret used for two
 * purposes (e.g. a receipt code: slow hash and key pair) yields unrelated outputs.
 */
export async function deriveKey(
  secret: string | Buffer,
  salt: Buffer,
  params: Argon2Params,
  domain: string,
  length = 32,
): Promise<Buffer> {
  checkArgon2Params(params);
  if (salt.length !== SALT_BYTES) throw new CryptoError("INVALID_INPUT", `salt must be ${SALT_BYTES} bytes`);
  const secretBytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
  const prefix = Buffer.from(`${domain}\0`, "utf8");
  const input = secureAlloc(prefix.length + secretBytes.length);
  prefix.copy(input, 0);
  secretBytes.copy(input, prefix.length);
  if (typeof secret === "string") wipe(secretBytes);
  const out = secureAlloc(length);
  try {
    await pwhash.crypto_pwhash_async(out, input, salt, params.opslimit, params.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    wipe(input);
  }
  return out;
}

/**
 * Keyed BLAKE2b-256 of a derived secret under a server sub-key (the pepper), into secure memory:
 * the result depends on both the typed secret and the key file.
 */
export function keyedHash(input: Buffer, key: Buffer): Buffer {
  if (key.length !== 32) throw new CryptoError("INVALID_INPUT", "key must be 32 bytes");
  const out = secureAlloc(32);
  sodium.crypto_generichash(out, input, key);
  return out;
}
