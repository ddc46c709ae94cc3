import sodium from "sodium-native";
import { CryptoError } from "./errors.js";
import { randomBytes } from "./random.js";
import { secureAlloc } from "./secure.js";

/**
 * XChaCha20-Poly1305 (IETF) with a fresh random 24-byte nonce per message. The 192-bit nonce is
 * why this AEAD was chosen: random nonces never collide in practice, so no counter has to be
 * kept in the database (where a restored backup would rewind it and reuse nonces).
 */
export const AEAD_KEY_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
export const AEAD_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
export const AEAD_TAG_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES;

export interface AeadBox {
  nonce: Buffer;
  ciphertext: Buffer;
}

export function aeadEncrypt(key: Buffer, plaintext: Buffer, ad: Buffer): AeadBox {
  assertKey(key);
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const ciphertext = Buffer.alloc(plaintext.length + AEAD_TAG_BYTES);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, plaintext, ad, null, nonce, key);
  return { nonce, ciphertext };
}

/**
 * Opens a box or throws DECRYPT_FAILED. `secure` puts the plaintext in sodium_malloc memory,
 * for boxes that hold keys. `what` names the thing for the error message (no secrets in it).
 */
export function aeadDecrypt(key: Buffer, box: AeadBox, ad: Buffer, what: string, secure = false): Buffer {
  assertKey(key);
  if (box.nonce.length !== AEAD_NONCE_BYTES || box.ciphertext.length < AEAD_TAG_BYTES) {
    throw new CryptoError("INVALID_FORMAT", `${what}: ciphertext too short`);
  }
  const len = box.ciphertext.length - AEAD_TAG_BYTES;
  // sodium_malloc refuses size 0; an empty secret is never legitimate anyway.
  const out = secure && len > 0 ? secureAlloc(len) : Buffer.alloc(len);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, box.ciphertext, ad, box.nonce, key);
  } catch {
    throw new CryptoError("DECRYPT_FAILED", `${what}: wrong key, wrong context or tampered data`);
  }
  return out;
}

function assertKey(key: Buffer): void {
  if (key.length !== AEAD_KEY_BYTES) throw new CryptoError("INVALID_INPUT", `key must be ${AEAD_KEY_BYTES} bytes`);
}
