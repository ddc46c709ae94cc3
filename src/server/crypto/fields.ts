import sodium from "sodium-native";
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadDecrypt, aeadEncrypt } from "./aead.js";
import { canonicalParts } from "./encoding.js";
import { CryptoError } from "./errors.js";
import { wipe } from "./secure.js";

/**
 * Field encryption under a case key. Stored bytes (version 1):
 *   0x01 | nonce (24) | XChaCha20-Poly1305( padded plaintext )
 * The associated data binds the ciphertext to its place: version byte, case id, table, column
 * and optionally the row id, length-prefixed so no two places share an encoding. A ciphertext
 * copied to another case, another table, another column (or another row when rowId is given)
 * fails to decrypt instead of showing one applicant's data under another's name.
 *
 * The plaintext is padded (ISO/IEC 7816-4, libsodium sodium_pad) to a multiple of 32 bytes, so a
 * stolen database shows lengths in 32-byte steps rather than the exact length of a name.
 */
const VERSION = 0x01;
const PAD_BLOCK = 32;
const HEADER_BYTES = 1 + AEAD_NONCE_BYTES;

export interface FieldContext {
  caseId: string;
  /** Table name, e.g. "applicants". */
  table: string;
  /** Column name, e.g. "full_name". */
  field: string;
  /** Row id, for tables with many rows per case (messages, locations). */
  rowId?: string;
}

function fieldAd(ctx: FieldContext): Buffer {
  for (const [name, value] of [["caseId", ctx.caseId], ["table", ctx.table], ["field", ctx.field]] as const) {
    if (typeof value !== "string" || value.length === 0) throw new CryptoError("INVALID_INPUT", `field context: ${name} is required`);
  }
  const parts = ["safe-passage/case-field", ctx.caseId, ctx.table, ctx.field];
  if (ctx.rowId !== undefined) parts.push(ctx.rowId);
  return Buffer.concat([Buffer.from([VERSION]), canonicalParts(parts)]);
}

function describe(ctx: FieldContext): string {
  return `field ${ctx.table}.${ctx.field} of case ${ctx.caseId}`;
}

/** Encrypts a value for one column of one case. Strings are stored as UTF-8. */
export function encryptField(caseKey: Buffer, ctx: FieldContext, plaintext: string | Buffer): Buffer {
  const bytes = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  const padded = Buffer.alloc(bytes.length + PAD_BLOCK);
  bytes.copy(padded);
  const paddedLength = sodium.sodium_pad(padded, bytes.length, PAD_BLOCK);
  const body = padded.subarray(0, paddedLength);
  try {
    const box = aeadEncrypt(caseKey, body, fieldAd(ctx));
    return Buffer.concat([Buffer.from([VERSION]), box.nonce, box.ciphertext]);
  } finally {
    wipe(padded);
    if (typeof plaintext === "string") wipe(bytes);
  }
}

/**
 * Decrypts a stored field. Throws CryptoError: INVALID_FORMAT for bytes that are not a field
 * ciphertext, DECRYPT_FAILED for a wrong key, a wrong context (moved ciphertext) or tampering.
 */
export function decryptField(caseKey: Buffer, ctx: FieldContext, stored: Buffer): Buffer {
  if (stored.length < HEADER_BYTES + AEAD_TAG_BYTES + PAD_BLOCK || stored[0] !== VERSION) {
    throw new CryptoError("INVALID_FORMAT", `${describe(ctx)}: not a version ${VERSION} field ciphertext`);
  }
  const box = { nonce: stored.subarray(1, HEADER_BYTES), ciphertext: stored.subarray(HEADER_BYTES) };
  const padded = aeadDecrypt(caseKey, box, fieldAd(ctx), describe(ctx));
  let length: number;
  try {
    length = sodium.sodium_unpad(padded, padded.length, PAD_BLOCK);
  } catch {
    // Authenticated but badly padded: only a writer holding the case key could produce it.
    throw new CryptoError("INVALID_FORMAT", `${describe(ctx)}: bad padding`);
  }
  return padded.subarray(0, length);
}

/** decryptField for text columns. */
export function decryptFieldText(caseKey: Buffer, ctx: FieldContext, stored: Buffer): string {
  const bytes = decryptField(caseKey, ctx, stored);
  const text = bytes.toString("utf8");
  wipe(bytes);
  return text;
}

/** Encrypts any JSON-serialisable value (structured fields: locations, rendezvous details). */
export function encryptJson(caseKey: Buffer, ctx: FieldContext, value: unknown): Buffer {
  const json = JSON.stringify(value);
  if (json === undefined) throw new CryptoError("INVALID_INPUT", `${describe(ctx)}: value is not JSON-serialisable`);
  return encryptField(caseKey, ctx, json);
}

/**
 * Decrypts a JSON field. Returns `unknown` on purpose: validate it with the capability's schema,
 * as for any other input (a case key holder could have written anything).
 */
export function decryptJson(caseKey: Buffer, ctx: FieldContext, stored: Buffer): unknown {
  const text = decryptFieldText(caseKey, ctx, stored);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CryptoError("INVALID_FORMAT", `${describe(ctx)}: not JSON`);
  }
}
