import sodium from "sodium-native";
import { aeadDecrypt, aeadEncrypt } from "./aead.js";
import { assertKeyPairMatches, generateKeyPair, keyPairFromPrivateKey, openSealed, PRIVATE_KEY_BYTES, sealTo } from "./box.js";
import type { KeyPair } from "./box.js";
import { fromBase64Url } from "./encoding.js";
import { CryptoError } from "./errors.js";
import { checkArgon2Params, deriveKey, KEY_DERIVATION_PARAMS, keyedHash, SALT_BYTES } from "./kdf.js";
import type { Argon2Params } from "./kdf.js";
import { randomBytes } from "./random.js";
import { generateRecoveryKey, recoveryWrappingKey } from "./recovery-key.js";
import { secureCopy, wipe, withSecret } from "./secure.js";

/**
 * Staff key pairs and the three ways their private key is stored (SECURITY.md, key hierarchy):
 * under the password, under a recovery key printed once, and optionally sealed to the
 * organisation's escrow key. Each wrapped copy is one self-describing string, safe to store in
 * the database:
 *   spk1$pwp$t=<passes>,m=<KiB>$<salt>$<nonce>$<ciphertext>  (password, Argon2id, peppered)
 *   spk1$pw$t=<passes>,m=<KiB>$<salt>$<nonce>$<ciphertext>   (password alone: before the pepper)
 *   spk1$rk$<nonce>$<ciphertext>                              (recovery key)
 *   spk1$es$<sealed box>                                       (escrow public key)
 * Fields are base64url. The user id is bound into every copy (as AEAD associated data, or
 * inside the sealed payload), so a wrapped key cannot be moved to another account's row.
 * Every unwrap returns the key pair with its public key recomputed from the private key; pass
 * the stored public key to have it checked (KEY_MISMATCH if a row was swapped or forged).
 */
const PREFIX = "spk1";

function staffAd(method: "pw" | "pwp" | "rk" | "es", userId: string): Buffer {
  if (userId.length === 0) throw new CryptoError("INVALID_INPUT", "userId is required");
  return Buffer.from(`staff-key:v1:${method}:${userId}`, "utf8");
}

function checkPrivateKey(privateKey: Buffer): void {
  if (privateKey.length !== PRIVATE_KEY_BYTES) throw new CryptoError("INVALID_INPUT", `private key must be ${PRIVATE_KEY_BYTES} bytes`);
}

function finish(privateKey: Buffer, expectedPublicKey: Buffer | undefined, what: string): KeyPair {
  const pair = keyPairFromPrivateKey(privateKey);
  if (expectedPublicKey) {
    try {
      assertKeyPairMatches(pair, expectedPublicKey, what);
    } catch (err) {
      wipe(privateKey);
      throw err;
    }
  }
  return pair;
}

function splitWrapped(wrapped: string, method: string, fields: number): string[] {
  const parts = wrapped.split("$");
  if (parts.length !== fields + 2 || parts[0] !== PREFIX || parts[1] !== method) {
    throw new CryptoError("INVALID_FORMAT", `not a ${method} wrapped staff key`);
  }
  return parts.slice(2);
}

/** A new X25519 key pair for a staff member (private key in secure memory). */
export function generateStaffKeyPair(): KeyPair {
  return generateKeyPair();
}

// ---------------------------------------------------------------- password

/**
 * The key-encryption key of a password copy: Argon2id of the password, then (with a pepper) a
 * keyed BLAKE2b under the server's pepper sub-key. The pepper lives in the key file, never in the
 * database, so a backup alone gives nothing to guess passwords against; the recovery key (and
 * escrow) still open the private key when the key file is lost.
 */
async function passwordKek(password: string, salt: Buffer, params: Argon2Params, pepper: Buffer | null): Promise<Buffer> {
  const derived = await deriveKey(password, salt, params, "staff-key/password");
  if (!pepper) return derived;
  return withSecret(derived, (d) => keyedHash(d, pepper));
}

/**
 * Wraps the private key under a key derived from the password (Argon2id, random salt) and the
 * pepper. `params` may raise the cost above KEY_DERIVATION_PARAMS, never lower it (not even in tests).
 */
export async function wrapWithPassword(
  privateKey: Buffer,
  password: string,
  userId: string,
  pepper: Buffer,
  params: Argon2Params = KEY_DERIVATION_PARAMS,
): Promise<string> {
  checkPrivateKey(privateKey);
  checkArgon2Params(params);
  if (params.opslimit < KEY_DERIVATION_PARAMS.opslimit || params.memlimit < KEY_DERIVATION_PARAMS.memlimit || params.memlimit % 1024 !== 0) {
    throw new CryptoError("INVALID_INPUT", "Argon2 parameters below the floor (or memory not in whole KiB)");
  }
  if (pepper.length !== 32) throw new CryptoError("INVALID_INPUT", "pepper must be 32 bytes");
  const salt = randomBytes(SALT_BYTES);
  const box = await withSecret(await passwordKek(password, salt, params, pepper), (kek) => aeadEncrypt(kek, privateKey, staffAd("pwp", userId)));
  const kib = params.memlimit / 1024;
  return [PREFIX, "pwp", `t=${params.opslimit},m=${kib}`, salt, box.nonce, box.ciphertext]
    .map((p) => (Buffer.isBuffer(p) ? p.toString("base64url") : p))
    .join("$");
}

function parsePasswordWrapped(wrapped: string): { method: "pw" | "pwp"; params: Argon2Params; salt: Buffer; nonce: Buffer; ciphertext: Buffer } {
  const method = wrapped.startsWith(`${PREFIX}$pwp$`) ? "pwp" : "pw";
  const [paramText = "", saltText = "", nonceText = "", ctText = ""] = splitWrapped(wrapped, method, 4);
  const m = /^t=(\d{1,3}),m=(\d{1,8})$/.exec(paramText);
  if (!m) throw new CryptoError("INVALID_FORMAT", "password wrapped key: bad parameters");
  const params = { opslimit: Number(m[1]), memlimit: Number(m[2]) * 1024 };
  checkArgon2Params(params);
  const salt = fromBase64Url(saltText, "salt");
  if (salt.length !== SALT_BYTES) throw new CryptoError("INVALID_FORMAT", "password wrapped key: bad salt");
  return { method, params, salt, nonce: fromBase64Url(nonceText, "nonce"), ciphertext: fromBase64Url(ctText, "ciphertext") };
}

/**
 * Opens the password-wrapped copy. A wrong password (or pepper) gives DECRYPT_FAILED; the
 * parameters stored in the string are used, so older copies stay readable after parameters are
 * raised, and a copy from before the pepper opens with the password alone.
 */
export async function unwrapWithPassword(
  wrapped: string,
  password: string,
  userId: string,
  pepper: Buffer,
  expectedPublicKey?: Buffer,
): Promise<KeyPair> {
  const { method, params, salt, nonce, ciphertext } = parsePasswordWrapped(wrapped);
  const privateKey = await withSecret(await passwordKek(password, salt, params, method === "pwp" ? pepper : null), (kek) =>
    aeadDecrypt(kek, { nonce, ciphertext }, staffAd(method, userId), "password wrapped key", true),
  );
  checkPrivateKey(privateKey);
  return finish(privateKey, expectedPublicKey, "password wrapped key");
}

/**
 * Password change: the same private key under the new password. Nothing else changes (every
 * case key sealed to this staff member's public key stays valid), so no bulk re-encryption.
 * Throws DECRYPT_FAILED if `oldPassword` is wrong.
 */
export async function rewrapWithPassword(wrapped: string, oldPassword: string, newPassword: string, userId: string, pepper: Buffer): Promise<string> {
  const pair = await unwrapWithPassword(wrapped, oldPassword, userId, pepper);
  return withSecret(pair.privateKey, (sk) => wrapWithPassword(sk, newPassword, userId, pepper));
}

/** True when the copy has no pepper or weaker Argon2 parameters than today's: rewrap at next unlock. */
export function passwordWrapNeedsUpgrade(wrapped: string, params: Argon2Params = KEY_DERIVATION_PARAMS): boolean {
  const { method, params: stored } = parsePasswordWrapped(wrapped);
  return method === "pw" || stored.opslimit < params.opslimit || stored.memlimit < params.memlimit;
}

// ---------------------------------------------------------------- recovery key

export function wrapWithRecoveryKey(privateKey: Buffer, recoveryKey: string, userId: string): string {
  checkPrivateKey(privateKey);
  const kek = recoveryWrappingKey(recoveryKey);
  try {
    const box = aeadEncrypt(kek, privateKey, staffAd("rk", userId));
    return [PREFIX, "rk", box.nonce.toString("base64url"), box.ciphertext.toString("base64url")].join("$");
  } finally {
    wipe(kek);
  }
}

export function unwrapWithRecoveryKey(wrapped: string, recoveryKey: string, userId: string, expectedPublicKey?: Buffer): KeyPair {
  const [nonceText = "", ctText = ""] = splitWrapped(wrapped, "rk", 2);
  const box = { nonce: fromBase64Url(nonceText, "nonce"), ciphertext: fromBase64Url(ctText, "ciphertext") };
  const kek = recoveryWrappingKey(recoveryKey);
  try {
    const privateKey = aeadDecrypt(kek, box, staffAd("rk", userId), "recovery wrapped key", true);
    checkPrivateKey(privateKey);
    return finish(privateKey, expectedPublicKey, "recovery wrapped key");
  } finally {
    wipe(kek);
  }
}

// ---------------------------------------------------------------- escrow

/**
 * Seals the private key to the organisation escrow public key (whose private key is offline,
 * split among officers: see escrow.ts). A sealed box has no associated data, so the user id is
 * sealed alongside the key and checked on opening.
 */
export function wrapWithEscrow(privateKey: Buffer, escrowPublicKey: Buffer, userId: string): string {
  checkPrivateKey(privateKey);
  const payload = Buffer.concat([privateKey, staffAd("es", userId)]);
  try {
    return [PREFIX, "es", sealTo(escrowPublicKey, payload).toString("base64url")].join("$");
  } finally {
    wipe(payload);
  }
}

export function unwrapWithEscrow(wrapped: string, escrow: KeyPair, userId: string, expectedPublicKey?: Buffer): KeyPair {
  const [sealedText = ""] = splitWrapped(wrapped, "es", 1);
  const payload = openSealed(fromBase64Url(sealedText, "sealed"), escrow, "escrow wrapped key", true);
  try {
    const ad = staffAd("es", userId);
    const boundTo = payload.subarray(PRIVATE_KEY_BYTES);
    if (payload.length !== PRIVATE_KEY_BYTES + ad.length || !sodium.sodium_memcmp(boundTo, ad)) {
      throw new CryptoError("KEY_MISMATCH", "escrow wrapped key belongs to another user");
    }
    return finish(secureCopy(payload.subarray(0, PRIVATE_KEY_BYTES)), expectedPublicKey, "escrow wrapped key");
  } finally {
    wipe(payload);
  }
}

// ---------------------------------------------------------------- enrolment

export interface StaffKeyEnrolment {
  /** The unlocked key pair, for starting the first session; wipe privateKey when done. */
  keyPair: KeyPair;
  passwordWrapped: string;
  /** Printed form, to show once and never store. */
  recoveryKey: string;
  recoveryWrapped: string;
  escrowWrapped: string | null;
}

/** Everything a new staff account needs, in one call, so no path forgets the recovery copy. */
export async function enrolStaffKeys(input: { userId: string; password: string; pepper: Buffer; escrowPublicKey?: Buffer }): Promise<StaffKeyEnrolment> {
  const keyPair = generateStaffKeyPair();
  const recoveryKey = generateRecoveryKey();
  return {
    keyPair,
    passwordWrapped: await wrapWithPassword(keyPair.privateKey, input.password, input.userId, input.pepper),
    recoveryKey,
    recoveryWrapped: wrapWithRecoveryKey(keyPair.privateKey, recoveryKey, input.userId),
    escrowWrapped: input.escrowPublicKey ? wrapWithEscrow(keyPair.privateKey, input.escrowPublicKey, input.userId) : null,
  };
}
