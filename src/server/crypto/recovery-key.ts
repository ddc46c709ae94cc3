import sodium from "sodium-native";
import { checksum, fromCrockford, groupChars, stripSeparators, toCrockford } from "./encoding.js";
import { CryptoError } from "./errors.js";
import { randomBytes } from "./random.js";
import { secureAlloc, secureCopy, wipe } from "./secure.js";

/**
 * A recovery key is 16 random bytes (128 bits, the security level of X25519 itself; no
 * stretching is needed because it is not chosen by a person) plus a 4-byte checksum, printed as
 * 32 Crockford base32 characters in 8 groups of 4: "7K3M-Q9XD-...". The checksum turns a typo
 * into INVALID_CHECKSUM instead of "wrong key".
 */
const RECOVERY_SECRET_BYTES = 16;
const RECOVERY_CHECK_BYTES = 4;

/** Draws a fresh recovery key, in its printed form. Show it once; store only the wrapped copy. */
export function generateRecoveryKey(): string {
  const secret = randomBytes(RECOVERY_SECRET_BYTES);
  try {
    return encodeRecoveryKey(secret);
  } finally {
    wipe(secret);
  }
}

/** Printed form of a 16-byte recovery secret, with checksum. */
export function encodeRecoveryKey(secret: Buffer): string {
  if (secret.length !== RECOVERY_SECRET_BYTES) throw new CryptoError("INVALID_INPUT", "recovery secret must be 16 bytes");
  const payload = Buffer.concat([secret, checksum("recovery-key", secret, RECOVERY_CHECK_BYTES)]);
  try {
    return groupChars(toCrockford(payload), 4);
  } finally {
    wipe(payload);
  }
}

/**
 * Parses a typed recovery key (any case, any spaces or dashes, O/0 and I/L/1 confusions
 * forgiven) into its 16-byte secret. INVALID_FORMAT or INVALID_CHECKSUM on a typo.
 */
export function parseRecoveryKey(input: string): Buffer {
  const payload = fromCrockford(stripSeparators(input), RECOVERY_SECRET_BYTES + RECOVERY_CHECK_BYTES);
  const secret = secureCopy(payload.subarray(0, RECOVERY_SECRET_BYTES));
  const ok = sodium.sodium_memcmp(
    checksum("recovery-key", secret, RECOVERY_CHECK_BYTES),
    payload.subarray(RECOVERY_SECRET_BYTES),
  );
  wipe(payload);
  if (!ok) {
    wipe(secret);
    throw new CryptoError("INVALID_CHECKSUM", "recovery key has a typo (checksum mismatch)");
  }
  return secret;
}

/** The AEAD key behind a recovery key: keyed BLAKE2b, the secret being already uniform. */
export function recoveryWrappingKey(recoveryKey: string): Buffer {
  const secret = parseRecoveryKey(recoveryKey);
  const kek = secureAlloc(32);
  sodium.crypto_generichash(kek, Buffer.from("safe-passage/staff-key/recovery/v1"), secret);
  wipe(secret);
  return kek;
}
