import { openSealedInto, SEAL_OVERHEAD_BYTES, sealTo } from "./box.js";
import { AEAD_KEY_BYTES } from "./aead.js";
import { CryptoError } from "./errors.js";
import { randomBytes } from "./random.js";
import { secureAlloc, secureMove, type SecureArena } from "./secure.js";

/**
 * Case data keys: one random 32-byte key per case (SECURITY.md). Everything identifying in the
 * case is encrypted with it (fields.ts, and attachments through their file keys). The key itself
 * is stored only sealed to the public keys allowed to read the case: a staff member, a team, or
 * the intake team for a request that arrived from the public site. Granting access means sealing
 * the case key to one more public key; revoking means deleting that sealed copy (and, when the
 * reader may have kept the key, re-keying the case, which is a job for a later tool).
 */
export const CASE_KEY_BYTES = AEAD_KEY_BYTES;

/** A new random case key in secure memory. */
export function generateCaseKey(): Buffer {
  return secureMove(randomBytes(CASE_KEY_BYTES));
}

/** Seals a case key to a recipient's public key (staff, team or intake). */
export function sealCaseKey(caseKey: Buffer, recipientPublicKey: Buffer): Buffer {
  if (caseKey.length !== CASE_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "case key must be 32 bytes");
  return sealTo(recipientPublicKey, caseKey);
}

/**
 * Opens a sealed case key with the recipient's key pair; DECRYPT_FAILED if it was sealed to
 * someone else or altered. The result is in secure memory: wipe it when the request is done.
 */
export function openCaseKey(sealed: Buffer, publicKey: Buffer, secretKey: Buffer, arena?: SecureArena): Buffer {
  // The length is checked before anything is opened, so the output can be a slot of exactly a
  // key's size: many keys at once (an inbox page) go into one arena's slabs, since a sodium_malloc
  // each is a few mapped pages kept until the collector finalises the buffer.
  if (sealed.length !== CASE_KEY_BYTES + SEAL_OVERHEAD_BYTES) throw new CryptoError("INVALID_FORMAT", "sealed case key has the wrong length");
  const out = arena ? arena.take(CASE_KEY_BYTES) : secureAlloc(CASE_KEY_BYTES);
  return openSealedInto(sealed, { publicKey, privateKey: secretKey }, out, "sealed case key");
}
