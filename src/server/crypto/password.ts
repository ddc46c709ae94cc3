import sodium from "sodium-native";
import { keyedHash } from "./kdf.js";
import { wipe } from "./secure.js";
import { pwhash } from "./sodium-api.js";

/**
 * Staff password hashing: Argon2id through libsodium, never below 64 MiB of memory.
 * The encoded string carries its own parameters, so raising them later only needs a rehash
 * at the next successful login (see passwordNeedsRehash).
 *
 * With a pepper (a server sub-key, outside the database), the password is first put through a
 * keyed BLAKE2b and the result hashed: a backup or a stolen database without the key file gives
 * nothing to test guesses against. Peppered hashes are stored as `pp1$<argon2 string>`; a hash
 * from before the pepper is still verified (and rehashed at the next login).
 */
export const PASSWORD_HASH_PARAMS = {
  algorithm: "argon2id13",
  opslimit: 3,
  memlimit: 64 * 1024 * 1024,
} as const;

const PEPPERED = "pp1$";

function hashInput(password: string, pepper: Buffer | null): Buffer {
  const raw = Buffer.from(password, "utf8");
  if (!pepper) return raw;
  const out = keyedHash(raw, pepper); // the same keyed BLAKE2b as the password key-encryption key's
  sodium.sodium_memzero(raw);
  // Hex keeps the Argon2 input printable and free of NUL bytes.
  const hex = Buffer.from(out.toString("hex"), "utf8");
  wipe(out);
  return hex;
}

export function hashPassword(password: string, pepper: Buffer | null): Promise<string> {
  const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  const input = hashInput(password, pepper);
  return pwhash
    .crypto_pwhash_str_async(out, input, PASSWORD_HASH_PARAMS.opslimit, PASSWORD_HASH_PARAMS.memlimit)
    .then(() => (pepper ? PEPPERED : "") + out.toString("utf8").replace(/\0+$/, ""))
    .finally(() => sodium.sodium_memzero(input));
}

/** A peppered hash is checked only with the pepper: without the key file no password verifies. */
export function verifyPassword(encoded: string, password: string, pepper: Buffer | null): Promise<boolean> {
  const peppered = encoded.startsWith(PEPPERED);
  if (peppered && !pepper) return Promise.resolve(false);
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  str.write(peppered ? encoded.slice(PEPPERED.length) : encoded, "utf8");
  const input = hashInput(password, peppered ? pepper : null);
  return pwhash
    .crypto_pwhash_str_verify_async(str, input)
    .then(Boolean, () => false)
    .finally(() => sodium.sodium_memzero(input));
}

/** True for a hash without the pepper or with weaker parameters than today's. */
export function passwordNeedsRehash(encoded: string): boolean {
  if (!encoded.startsWith(PEPPERED)) return true;
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  str.write(encoded.slice(PEPPERED.length), "utf8");
  return sodium.crypto_pwhash_str_needs_rehash(str, PASSWORD_HASH_PARAMS.opslimit, PASSWORD_HASH_PARAMS.memlimit);
}
