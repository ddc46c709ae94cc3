/**
 * Safe Passage crypto library: the only code that touches key material. It imports nothing of
 * the domain (no database, no HTTP); callers pass bytes and ids and store what they get back.
 * Every primitive is libsodium's (sodium-native); nothing here is a hand-made cipher, KDF or RNG.
 *
 * Key hierarchy (SECURITY.md):
 *   staff password ─Argon2id─▶ wraps staff private key ◀─ recovery key (printed once)
 *                                       ▲ ◀─ escrow key (offline, Shamir-split among officers)
 *   team private key ─sealed to─▶ each member's public key
 *   case key ─sealed to─▶ staff / team / intake public keys ─encrypts─▶ fields, file keys
 *   session secret (cookie only) ─wraps─▶ unlocked staff private key for the session
 *   index key (outside the DB) ─keys─▶ blind indexes and receipt lookups
 *   receipt code ─Argon2id─▶ slow hash (stored) and applicant key pair (replies)
 * Errors are CryptoError with a `code`; messages never carry secrets.
 */

/** Errors: one type, switch on `code`. */
export { CryptoError, isCryptoError } from "./errors.js";
export type { CryptoErrorCode } from "./errors.js";

/** Randomness and token helpers (libsodium CSPRNG). */
export { randomBytes, randomToken, hashToken, constantTimeEqual } from "./random.js";

/** Staff login password hashes (Argon2id encoded strings). */
export { hashPassword, verifyPassword, passwordNeedsRehash, PASSWORD_HASH_PARAMS } from "./password.js";

/** Secure memory for keys: allocate outside the JS heap, wipe after use. */
export { secureAlloc, secureCopy, secureMove, wipe, withSecret, withSecretSync } from "./secure.js";

/** Key pairs and sealed boxes (X25519, crypto_box_seal). */
export { generateKeyPair, publicKeyOf, keyPairMatches, assertKeyPairMatches, sealTo, openSealed, wipeKeyPair } from "./box.js";
export type { KeyPair } from "./box.js";

/** Argon2id parameters used for every key derived from a typed secret. */
export { KEY_DERIVATION_PARAMS } from "./kdf.js";
export type { Argon2Params } from "./kdf.js";

/** Staff keys: generate, wrap under password / recovery key / escrow, unwrap, rewrap. */
export {
  generateStaffKeyPair,
  wrapWithPassword,
  unwrapWithPassword,
  rewrapWithPassword,
  passwordWrapNeedsUpgrade,
  wrapWithRecoveryKey,
  unwrapWithRecoveryKey,
  wrapWithEscrow,
  unwrapWithEscrow,
  enrolStaffKeys,
} from "./staff-keys.js";
export type { StaffKeyEnrolment } from "./staff-keys.js";

/** Printed recovery keys (Crockford base32, groups of 4, checksum). */
export { generateRecoveryKey, encodeRecoveryKey, parseRecoveryKey } from "./recovery-key.js";

/** Organisation escrow key split into threshold shares (Shamir). */
export { createEscrowKey, combineEscrowShares, encodeEscrowShare, parseEscrowShare, escrowKeyId } from "./escrow.js";
export type { EscrowSetup, EscrowShare } from "./escrow.js";

/** Team keys: seal to members, open, rotate when a member leaves. */
export { generateTeamKeyPair, sealTeamKeyForMember, openTeamKey, resealKeys, rotateTeamKey } from "./team-keys.js";
export type { TeamKeyRotation } from "./team-keys.js";

/** Case data keys, sealed to whoever may read the case. */
export { generateCaseKey, sealCaseKey, openCaseKey, CASE_KEY_BYTES } from "./case-keys.js";

/** Field encryption bound to case, table, column (and row). */
export { encryptField, decryptField, decryptFieldText, encryptJson, decryptJson } from "./fields.js";
export type { FieldContext } from "./fields.js";

/** Sessions: private key wrapped under a secret that lives only in the cookie. */
export {
  wrapForSession,
  unwrapForSession,
  formatSessionCookie,
  parseSessionCookie,
  hashSessionId,
  startSession,
  resumeSession,
} from "./session-keys.js";
export type { SessionCookie, NewSession } from "./session-keys.js";

/** Blind indexes over normalised values; index key loaded from outside the database. */
export { blindIndex, nameTokenIndexes, normaliseForIndex, loadIndexKey, generateIndexKeyFile, BLIND_INDEX_BYTES } from "./blind-index.js";
export type { BlindIndexKind } from "./blind-index.js";
export {
  normaliseName,
  nameTokens,
  normalisePhone,
  normaliseServiceNumber,
  normaliseDate,
  normaliseTelegramId,
  normaliseTelegramUsername,
} from "./normalise.js";

/** Attachments: streaming encryption to disk under a per-file key. */
export { writeEncryptedAttachment, openDecryptedAttachment, readDecryptedAttachment } from "./attachments.js";
export type { EncryptedAttachment, WriteAttachmentOptions } from "./attachments.js";
export { createEncryptStream, createDecryptStream, generateFileKey, CHUNK_BYTES as ATTACHMENT_CHUNK_BYTES } from "./attachment-stream.js";

/** Applicant receipt codes: generation, slow hash, lookup key, applicant key pair. */
export {
  generateReceiptCode,
  generateReceiptWords,
  normaliseReceiptCode,
  hashReceiptCode,
  verifyReceiptCode,
  verifyReceiptCandidates,
  receiptDummyHash,
  receiptLookupKey,
  generateApplicantSalt,
  deriveApplicantKeyPair,
  RECEIPT_HASH_PARAMS,
} from "./receipt.js";
export { RECEIPT_WORDS } from "./wordlist.js";
