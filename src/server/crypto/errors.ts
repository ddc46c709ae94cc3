/**
 * The one error type of the crypto library. Callers switch on `code`, never on the message;
 * messages name the operation that failed and never carry key material, plaintext or the
 * secret a person typed (they end up in logs).
 */
export type CryptoErrorCode =
  /** Authentication failed: wrong key, wrong context (associated data) or tampered bytes. */
  | "DECRYPT_FAILED"
  /** A stored or transmitted blob does not have the expected shape or version. */
  | "INVALID_FORMAT"
  /** A printed code (recovery key, escrow share) has a typo: its checksum does not match. */
  | "INVALID_CHECKSUM"
  /** A recovered private key does not belong to the expected public key. */
  | "KEY_MISMATCH"
  /** Fewer escrow shares than the threshold, or shares from different sets. */
  | "NOT_ENOUGH_SHARES"
  /** An attachment is larger than the limit the caller set. */
  | "TOO_LARGE"
  /** An encrypted stream ended before its final chunk (cut short on disk or in transit). */
  | "TRUNCATED"
  /** An argument is outside what the function accepts (empty value, bad length, bad name). */
  | "INVALID_INPUT"
  /** The blind-index key could not be loaded or created safely. */
  | "KEY_FILE";

export class CryptoError extends Error {
  override readonly name = "CryptoError";
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isCryptoError(err: unknown, code?: CryptoErrorCode): err is CryptoError {
  return err instanceof CryptoError && (code === undefined || err.code === code);
}
