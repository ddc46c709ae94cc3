import fs from "node:fs";
import sodium from "sodium-native";
import { CryptoError } from "./errors.js";
import {
  nameTokens,
  normaliseDate,
  normaliseName,
  normalisePhone,
  normaliseReceiptCode,
  normaliseServiceNumber,
  normaliseTelegramId,
  normaliseTelegramUsername,
} from "./normalise.js";
import { randomBytes } from "./random.js";
import { secureMove, wipe } from "./secure.js";

/**
 * Blind indexes: search and duplicate detection over encrypted fields (SECURITY.md). The index
 * of a value is keyed BLAKE2b (crypto_generichash with a 32-byte key, a PRF like HMAC) over
 * "<kind>\0<normalised value>", truncated. Without the index key, which is kept out of the
 * database, an index reveals nothing and cannot be brute-forced from a stolen dump, even for a
 * phone number. With it, equality of values within a kind is visible: that is what an index is.
 *
 * Domain separation: the kind is part of the input, so the same digits as a phone number and as
 * a WhatsApp number give unrelated indexes (compute both when a cross-kind match is wanted).
 *
 * Truncation to 8 bytes (64 bits): collisions among a million values of one kind are expected
 * about once in 36 million deployments (n²/2^65), so a match is nearly always real; shorter
 * indexes would blur equality for someone holding the key, at the cost of false matches that
 * each need a decryption to rule out. Receipt lookups are cut to 4 bytes on purpose (receipt.ts).
 */
export type BlindIndexKind =
  | "name"
  | "name_token"
  | "phone"
  | "whatsapp"
  | "telegram_id"
  | "telegram_username"
  | "service_number"
  | "date"
  | "receipt";

const NORMALISERS: Record<BlindIndexKind, (value: string) => string | null> = {
  name: normaliseName,
  name_token: (v) => {
    const tokens = nameTokens(v);
    return tokens.length === 1 ? (tokens[0] ?? null) : null;
  },
  phone: normalisePhone,
  whatsapp: normalisePhone,
  telegram_id: normaliseTelegramId,
  telegram_username: normaliseTelegramUsername,
  service_number: normaliseServiceNumber,
  date: normaliseDate,
  receipt: normaliseReceiptCode,
};

export const BLIND_INDEX_BYTES = 8;
const INDEX_BYTES: Record<BlindIndexKind, number> = {
  name: 8,
  name_token: 8,
  phone: 8,
  whatsapp: 8,
  telegram_id: 8,
  telegram_username: 8,
  service_number: 8,
  date: 8,
  receipt: 4,
};

export const INDEX_KEY_BYTES = 32;

function indexOfCanonical(key: Buffer, kind: BlindIndexKind, canonical: string): string {
  if (key.length !== INDEX_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "index key must be 32 bytes");
  const out = Buffer.alloc(16); // generichash's minimum output; truncated below
  sodium.crypto_generichash(out, Buffer.from(`safe-passage/blind-index/v1/${kind}\0${canonical}`, "utf8"), key);
  return out.subarray(0, INDEX_BYTES[kind]).toString("hex");
}

/** The normalised form a kind would index, or null if the value cannot be understood. */
export function normaliseForIndex(kind: BlindIndexKind, value: string): string | null {
  return NORMALISERS[kind](value);
}

/**
 * Blind index of `value` (hex, 16 characters; 8 for "receipt"), or null when the value does not
 * normalise (empty name, letters in a phone number, impossible date): store null, match nothing.
 */
export function blindIndex(key: Buffer, kind: BlindIndexKind, value: string): string | null {
  const canonical = NORMALISERS[kind](value);
  return canonical === null ? null : indexOfCanonical(key, kind, canonical);
}

/**
 * One "name_token" index per distinct word of a name, so a search for a surname alone finds
 * "Ivanov Ivan Ivanovich". More leakage than the full-name index (a common surname shows as a
 * frequent token), so use it only where the search needs it.
 */
export function nameTokenIndexes(key: Buffer, name: string): string[] {
  return [...new Set(nameTokens(name))].map((t) => indexOfCanonical(key, "name_token", t));
}

/**
 * Loads the 32-byte index key from configuration (64 hex characters) or from a key file (the
 * same, made by generateIndexKeyFile). A key file readable by group or others is refused: the
 * key is what keeps a stolen database from being searched. Returns secure memory.
 */
export function loadIndexKey(source: { hex?: string; file?: string }): Buffer {
  let text: string;
  if (source.hex !== undefined && source.hex !== "") {
    text = source.hex;
  } else if (source.file) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(source.file);
    } catch {
      throw new CryptoError("KEY_FILE", `index key file ${source.file} cannot be read`);
    }
    if (!stat.isFile()) throw new CryptoError("KEY_FILE", `index key file ${source.file} is not a file`);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
      throw new CryptoError("KEY_FILE", `index key file ${source.file} must not be readable by group or others (chmod 600)`);
    }
    text = fs.readFileSync(source.file, "utf8");
  } else {
    throw new CryptoError("KEY_FILE", "no index key configured (give a hex key or a key file)");
  }
  const hex = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new CryptoError("KEY_FILE", "index key must be 64 hexadecimal characters");
  return secureMove(Buffer.from(hex, "hex"));
}

/**
 * Creates a new index key file with mode 0600. Refuses to overwrite an existing file: replacing
 * the key silently orphans every stored index.
 */
export function generateIndexKeyFile(path: string): void {
  const key = randomBytes(INDEX_KEY_BYTES);
  const text = `${key.toString("hex")}\n`;
  wipe(key);
  try {
    fs.writeFileSync(path, text, { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CryptoError("KEY_FILE", code === "EEXIST" ? `index key file ${path} already exists` : `cannot create index key file ${path}`);
  }
  // The umask cannot widen 0600, but a pre-set ACL or odd filesystem might: check, do not assume.
  fs.chmodSync(path, 0o600);
}
