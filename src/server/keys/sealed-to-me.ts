import { isCryptoError, openCaseKey, publicKeyOf } from "../crypto/index.js";

/**
 * A data key sealed to this staff member alone (an operation's, a resettlement file's), opened
 * with the private key of his session; null when there is no copy for him or it does not open to his
 * key (a copy sealed before his key was reset): to the caller both mean "not on it".
 */
export function openKeySealedToMe(sealedKey: Buffer | undefined, privateKey: Buffer): Buffer | null {
  if (!sealedKey) return null;
  try {
    return openCaseKey(sealedKey, publicKeyOf(privateKey), privateKey);
  } catch (err) {
    if (isCryptoError(err)) return null;
    throw err;
  }
}
