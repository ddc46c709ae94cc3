import sodium from "sodium-native";
import { CryptoError } from "./errors.js";
import { secureAlloc, wipe } from "./secure.js";

/**
 * X25519 key pairs and anonymous sealed boxes (crypto_box_seal): the building block of the key
 * hierarchy. Sealing needs only the recipient's public key, which is what lets the public intake
 * encrypt a request it can never read back, and lets anyone with access grant access by sealing
 * a case key to one more public key.
 *
 * A sealed box says nothing about who sealed it. Where origin matters (a case key in the
 * database could have been planted by someone with write access) the caller must rely on the
 * audit log and on access control, not on the box.
 */
export const PUBLIC_KEY_BYTES = sodium.crypto_box_PUBLICKEYBYTES;
export const PRIVATE_KEY_BYTES = sodium.crypto_box_SECRETKEYBYTES;
export const SEAL_OVERHEAD_BYTES = sodium.crypto_box_SEALBYTES;

export interface KeyPair {
  publicKey: Buffer;
  /** In sodium_malloc memory; wipe it (secure.wipe) when the holder is done with it. */
  privateKey: Buffer;
}

export function generateKeyPair(): KeyPair {
  const publicKey = Buffer.alloc(PUBLIC_KEY_BYTES);
  const privateKey = secureAlloc(PRIVATE_KEY_BYTES);
  sodium.crypto_box_keypair(publicKey, privateKey);
  return { publicKey, privateKey };
}

/** The public half of an X25519 private key (used to check that a recovered key is the right one). */
export function publicKeyOf(privateKey: Buffer): Buffer {
  assertLength(privateKey, PRIVATE_KEY_BYTES, "private key");
  const publicKey = Buffer.alloc(PUBLIC_KEY_BYTES);
  sodium.crypto_scalarmult_base(publicKey, privateKey);
  return publicKey;
}

/** Builds a KeyPair around a private key, computing its public key. Takes ownership of `privateKey`. */
export function keyPairFromPrivateKey(privateKey: Buffer): KeyPair {
  return { publicKey: publicKeyOf(privateKey), privateKey };
}

/** Constant-time check that `pair` is the key pair of `publicKey`. */
export function keyPairMatches(pair: KeyPair, publicKey: Buffer): boolean {
  return publicKey.length === PUBLIC_KEY_BYTES && sodium.sodium_memcmp(publicKeyOf(pair.privateKey), publicKey);
}

/** Throws KEY_MISMATCH unless `pair` belongs to `publicKey`. */
export function assertKeyPairMatches(pair: KeyPair, publicKey: Buffer, what: string): void {
  if (!keyPairMatches(pair, publicKey)) throw new CryptoError("KEY_MISMATCH", `${what}: key does not match the expected public key`);
}

/** Encrypts `message` so that only the holder of `recipientPublicKey`'s private key can read it. */
export function sealTo(recipientPublicKey: Buffer, message: Buffer): Buffer {
  assertLength(recipientPublicKey, PUBLIC_KEY_BYTES, "public key");
  const sealed = Buffer.alloc(message.length + SEAL_OVERHEAD_BYTES);
  sodium.crypto_box_seal(sealed, message, recipientPublicKey);
  return sealed;
}

/**
 * Opens a sealed box with the recipient's key pair, or throws DECRYPT_FAILED. `secure` puts
 * the result in sodium_malloc memory, for boxes that hold keys.
 */
export function openSealed(sealed: Buffer, recipient: KeyPair, what: string, secure = false): Buffer {
  const len = Math.max(0, sealed.length - SEAL_OVERHEAD_BYTES);
  return openSealedInto(sealed, recipient, secure && len > 0 ? secureAlloc(len) : Buffer.alloc(len), what);
}

/**
 * openSealed into a buffer the caller provides (a slot of a SecureArena), so that opening many
 * row keys costs no sodium_malloc each. `out` must be exactly the plaintext's length.
 */
export function openSealedInto(sealed: Buffer, recipient: KeyPair, out: Buffer, what: string): Buffer {
  if (sealed.length < SEAL_OVERHEAD_BYTES) throw new CryptoError("INVALID_FORMAT", `${what}: sealed box too short`);
  if (out.length !== sealed.length - SEAL_OVERHEAD_BYTES) throw new CryptoError("INVALID_INPUT", `${what}: output buffer of the wrong size`);
  assertLength(recipient.publicKey, PUBLIC_KEY_BYTES, "public key");
  assertLength(recipient.privateKey, PRIVATE_KEY_BYTES, "private key");
  if (!sodium.crypto_box_seal_open(out, sealed, recipient.publicKey, recipient.privateKey)) {
    wipe(out);
    throw new CryptoError("DECRYPT_FAILED", `${what}: not sealed to this key, or tampered`);
  }
  return out;
}

/** Wipes the private half of a key pair. The pair must not be used afterwards. */
export function wipeKeyPair(pair: KeyPair): void {
  wipe(pair.privateKey);
}

function assertLength(buf: Buffer, length: number, what: string): void {
  if (!Buffer.isBuffer(buf) || buf.length !== length) throw new CryptoError("INVALID_INPUT", `${what} must be ${length} bytes`);
}
