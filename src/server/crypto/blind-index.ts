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
import { secureAlloc, secureMove, wipe } from "./secure.js";
import { pwhash } from "./sodium-api.js";

/**
 * Blind indexes: search and duplicate detection over encrypted fields (SECURITY.md). The index
 * of a value is keyed BLAKE2b (crypto_generichash with a 32-byte key, a PRF like HMAC) over
 * "<kind>\0<normalised value>", truncated. Without the index key, which is kept out of the
 * database, an index reveals nothing and cannot be brute-forced from a stolen dump. With it,
 * equality of values within a kind is visible: that is what an index is.
 *
 * Slow kinds (issue 10, item 4): phone and WhatsApp numbers, Telegram ids and usernames and
 * service numbers have so few possible values that, with the index key (the key file), a fast
 * keyed hash is inverted by trying them all: the 10^9 mobile numbers of a country in seconds.
 * Their index is Argon2id first (salt derived from the index key, so it is keyed too), then the
 * keyed hash: each guess costs one Argon2id run (SLOW_INDEX_PARAMS, measured at 15 to 40 ms on
 * one core of the test machine, 8 MiB), so trying every mobile number of one country costs
 * 10^9 × 15-40 ms = 170 to 460 core-days instead of seconds, and memory-hardness keeps GPUs
 * from shortening it much. The Argon2id output also yields a per-identity secret
 * (`slowIdentity`), a key that only someone who knows the identity (the messenger's update
 * carries it) or pays that brute force can compute.
 *
 * Domain separation: the kind is part of the input, so the same digits as a phone number and as
 * a WhatsApp number give unrelated indexes (compute both when a cross-kind match is wanted).
 *
 * Truncation to 8 bytes (64 bits): collisions among a million values of one kind are expected
 * about once in 36 million deployments (n²/2^65), so a match is nearly always real. Receipt
 * lookups are cut to 2 bytes on purpose (receipt.ts).
 */
export type BlindIndexKind =
  | "name"
  | "name_token"
  | "name_birth"
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
  name_birth: normaliseNameBirth,
  phone: normalisePhone,
  whatsapp: normalisePhone,
  telegram_id: normaliseTelegramId,
  telegram_username: normaliseTelegramUsername,
  service_number: normaliseServiceNumber,
  date: normaliseDate,
  receipt: normaliseReceiptCode,
};

/** The input of a "name_birth" index: a name and a date of birth, as nameBirthValue joins them. */
const PAIR_SEPARATOR = "\u0000";
export const nameBirthValue = (name: string, birthDate: string) => `${name}${PAIR_SEPARATOR}${birthDate}`;

/**
 * Name and date of birth as one value (issue 11): namesakes are common, the pair much less so,
 * so a watchlist matches the person and not everyone called the same. Null unless both parts
 * normalise: half a pair is not this kind (index the name alone as "name").
 */
function normaliseNameBirth(value: string): string | null {
  const [name, date, ...rest] = value.split(PAIR_SEPARATOR);
  if (rest.length || name === undefined || date === undefined) return null;
  const n = normaliseName(name);
  const d = normaliseDate(date);
  return n && d ? `${n}${PAIR_SEPARATOR}${d}` : null;
}

export const BLIND_INDEX_BYTES = 8;
const INDEX_BYTES: Record<BlindIndexKind, number> = {
  name: 8,
  name_token: 8,
  name_birth: 8,
  phone: 8,
  whatsapp: 8,
  telegram_id: 8,
  telegram_username: 8,
  service_number: 8,
  date: 8,
  receipt: 2,
};

/** Kinds with few possible values: indexed through Argon2id (see above). */
const SLOW_KINDS: ReadonlySet<BlindIndexKind> = new Set(["phone", "whatsapp", "telegram_id", "telegram_username", "service_number"]);
export const isSlowKind = (kind: BlindIndexKind) => SLOW_KINDS.has(kind);

/** Argon2id cost of one slow index (and of one brute-force guess against it). */
export const SLOW_INDEX_PARAMS = Object.freeze({ opslimit: 2, memlimit: 8 * 1024 * 1024 });

export const INDEX_KEY_BYTES = 32;

function indexOfCanonical(key: Buffer, kind: BlindIndexKind, canonical: string): string {
  if (key.length !== INDEX_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "index key must be 32 bytes");
  const out = Buffer.alloc(16); // generichash's minimum output; truncated below
  sodium.crypto_generichash(out, Buffer.from(`safe-passage/blind-index/v1/${kind}\0${canonical}`, "utf8"), key);
  return out.subarray(0, INDEX_BYTES[kind]).toString("hex");
}

/** Argon2id input of a slow index: the value, and a salt that only the index key gives. */
function slowInput(key: Buffer, kind: BlindIndexKind, canonical: string) {
  if (key.length !== INDEX_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "index key must be 32 bytes");
  const salt = Buffer.alloc(sodium.crypto_pwhash_SALTBYTES);
  sodium.crypto_generichash(salt, Buffer.from(`safe-passage/slow-index/v1/salt/${kind}`, "utf8"), key);
  return { salt, input: Buffer.from(`${kind}\0${canonical}`, "utf8"), out: secureAlloc(32) };
}

/** From the Argon2id output: the index (keyed again by the index key) and the identity's secret. */
function slowFinish(key: Buffer, kind: BlindIndexKind, pre: Buffer): { index: string; secret: Buffer } {
  const index = Buffer.alloc(16);
  sodium.crypto_generichash(index, Buffer.concat([Buffer.from(`safe-passage/slow-index/v1/${kind}\0`, "utf8"), pre]), key);
  const secret = secureAlloc(32);
  sodium.crypto_generichash(secret, Buffer.from(`safe-passage/slow-index/v1/secret/${kind}`, "utf8"), pre);
  wipe(pre);
  return { index: index.subarray(0, INDEX_BYTES[kind]).toString("hex"), secret };
}

function slowSync(key: Buffer, kind: BlindIndexKind, canonical: string): { index: string; secret: Buffer } {
  const { salt, input, out } = slowInput(key, kind, canonical);
  sodium.crypto_pwhash(out, input, salt, SLOW_INDEX_PARAMS.opslimit, SLOW_INDEX_PARAMS.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
  wipe(input);
  return slowFinish(key, kind, out);
}

async function slowAsync(key: Buffer, kind: BlindIndexKind, canonical: string): Promise<{ index: string; secret: Buffer }> {
  const { salt, input, out } = slowInput(key, kind, canonical);
  try {
    await pwhash.crypto_pwhash_async(out, input, salt, SLOW_INDEX_PARAMS.opslimit, SLOW_INDEX_PARAMS.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    wipe(input);
  }
  return slowFinish(key, kind, out);
}

/**
 * The slow index of an identity (a slow kind) and its secret (32 bytes, secure memory; the
 * caller wipes it), off the event loop. Null when the value does not normalise.
 */
export async function slowIdentity(key: Buffer, kind: BlindIndexKind, value: string): Promise<{ index: string; secret: Buffer } | null> {
  if (!isSlowKind(kind)) throw new CryptoError("INVALID_INPUT", `${kind} is not a slow index kind`);
  const canonical = NORMALISERS[kind](value);
  return canonical === null ? null : slowAsync(key, kind, canonical);
}

/** blindIndex off the event loop (the same value): for request paths that index slow kinds. */
export async function blindIndexAsync(key: Buffer, kind: BlindIndexKind, value: string): Promise<string | null> {
  const canonical = NORMALISERS[kind](value);
  if (canonical === null) return null;
  if (!isSlowKind(kind)) return indexOfCanonical(key, kind, canonical);
  const r = await slowAsync(key, kind, canonical);
  wipe(r.secret);
  return r.index;
}

/** The normalised form a kind would index, or null if the value cannot be understood. */
export function normaliseForIndex(kind: BlindIndexKind, value: string): string | null {
  return NORMALISERS[kind](value);
}

/**
 * Blind index of `value` (hex, 16 characters; 4 for "receipt"), or null when the value does not
 * normalise (empty name, letters in a phone number, impossible date): store null, match nothing.
 */
export function blindIndex(key: Buffer, kind: BlindIndexKind, value: string): string | null {
  const canonical = NORMALISERS[kind](value);
  if (canonical === null) return null;
  if (!isSlowKind(kind)) return indexOfCanonical(key, kind, canonical);
  // A slow kind here blocks the event loop for one Argon2id run: prefer blindIndexAsync.
  const r = slowSync(key, kind, canonical);
  wipe(r.secret);
  return r.index;
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
