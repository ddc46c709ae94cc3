import sodium from "sodium-native";
import { blindIndex } from "./blind-index.js";
import { PRIVATE_KEY_BYTES, PUBLIC_KEY_BYTES } from "./box.js";
import type { KeyPair } from "./box.js";
import { CryptoError } from "./errors.js";
import { deriveKey, KEY_DERIVATION_PARAMS, SALT_BYTES } from "./kdf.js";
import type { Argon2Params } from "./kdf.js";
import { normaliseReceiptCode, RECEIPT_DIGITS, RECEIPT_WORD_COUNT } from "./normalise.js";
import { randomBytes } from "./random.js";
import { secureAlloc, wipe } from "./secure.js";
import { RECEIPT_WORDS } from "./wordlist.js";
import { pwhash } from "./sodium-api.js";

/**
 * Receipt codes: an applicant has no account; the code handed to him when his request is taken
 * is his only credential (SECURITY.md). Two forms, same role:
 * - 16 random digits, printed in groups of four, "4821 0937 5512 0664" (53 bits): easy to
 *   write on paper or say over a phone, nothing to transliterate;
 * - 7 words from wordlist.ts, "bado kemi tuzo ..." (~85 bits).
 *
 * What the server keeps, per case:
 * - hashReceiptCode(): an Argon2id string (slow, salted): a stolen database must be attacked one
 *   Argon2 run per guess per case;
 * - receiptLookupKey(): a keyed hash (index key outside the database) to find the row without
 *   scanning. It is cut to 2 bytes on purpose: for someone who has the index key (the key file)
 *   it says almost nothing about the code (each value is shared by 1/65536 of all codes), and a
 *   lookup returns every case in its bucket (about one per 65 000 cases: a few in a large
 *   deployment), among which the slow hash decides. So verify every row returned;
 * - a salt for deriveApplicantKeyPair(): replies to the applicant are sealed to the public key
 *   derived from his code, and opened with the code when he comes back.
 *
 * Wrong code and unknown code must look the same, also in time: a caller always runs exactly the
 * slow verifications of the candidate rows, and one against a dummy hash when there is none.
 * verifyReceiptCandidates() does precisely that; use it rather than verifyReceiptCode directly.
 */
export { normaliseReceiptCode } from "./normalise.js";

/**
 * Argon2id cost for receipt hashes and applicant keys: 16 MiB, one pass (about 23 ms a run here).
 * Lower than a staff password's 64 MiB × 3 on purpose. A password is chosen by a person and may
 * be guessed from a dictionary; a receipt code is drawn at random with 53 bits (digits) or 85
 * (words), so a thief of the database needs about 2^52 runs per case even at this cost:
 * thousands of years on a GPU farm. What the cost does buy is the server's own price per
 * accepted request, which the proof of work must exceed tenfold for an attacker (issue 10, item
 * 3): at 64 MiB × 3 these two runs were 410 of the 431 ms, and the proof of work had to be so
 * long that a phone waited 17 s.
 */
export const RECEIPT_HASH_PARAMS: Readonly<Argon2Params> = Object.freeze({ opslimit: 1, memlimit: 16 * 1024 * 1024 });

/** What applicant salts made before RECEIPT_HASH_PARAMS were derived with (a bare 16-byte salt). */
const LEGACY_APPLICANT_PARAMS: Readonly<Argon2Params> = KEY_DERIVATION_PARAMS;
/** A versioned applicant salt: this byte, then the 16 salt bytes; the version names the parameters. */
const APPLICANT_SALT_V2 = 0x02;

const HASH_DOMAIN = "safe-passage/receipt-hash/v1\0";

/** 16 random digits (randombytes_uniform, no modulo bias), as "dddd dddd dddd dddd". */
export function generateReceiptCode(): string {
  let digits = "";
  for (let i = 0; i < RECEIPT_DIGITS; i++) digits += String(sodium.randombytes_uniform(10));
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** 7 random words from the receipt word list, separated by spaces. */
export function generateReceiptWords(): string {
  const words: string[] = [];
  for (let i = 0; i < RECEIPT_WORD_COUNT; i++) words.push(RECEIPT_WORDS[sodium.randombytes_uniform(RECEIPT_WORDS.length)] ?? "");
  return words.join(" ");
}

function canonical(code: string): string {
  const normalised = normaliseReceiptCode(code);
  if (normalised === null) throw new CryptoError("INVALID_INPUT", "not a receipt code");
  return normalised;
}

/** The slow hash to store for a receipt code (Argon2id encoded string with its own salt). */
export function hashReceiptCode(code: string): Promise<string> {
  const input = Buffer.from(HASH_DOMAIN + canonical(code), "utf8");
  const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  return pwhash
    .crypto_pwhash_str_async(out, input, RECEIPT_HASH_PARAMS.opslimit, RECEIPT_HASH_PARAMS.memlimit)
    .then(() => out.toString("utf8").replace(/\0+$/, ""))
    .finally(() => wipe(input));
}

function verifyCanonical(normalised: string, encoded: string): Promise<boolean> {
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  if (Buffer.byteLength(encoded) >= str.length) return Promise.resolve(false);
  str.write(encoded, "utf8");
  const input = Buffer.from(HASH_DOMAIN + normalised, "utf8");
  return pwhash
    .crypto_pwhash_str_verify_async(str, input)
    .then(Boolean, () => false)
    .finally(() => wipe(input));
}

/**
 * Checks one code against one stored hash. A malformed code returns false at once: its shape is
 * public knowledge, so the fast answer reveals nothing about which codes exist.
 */
export function verifyReceiptCode(code: string, encoded: string): Promise<boolean> {
  const normalised = normaliseReceiptCode(code);
  return normalised === null ? Promise.resolve(false) : verifyCanonical(normalised, encoded);
}

let dummyHash: Promise<string> | null = null;

/** A hash of a random code with today's parameters, for the "no such row" path (made once). */
export function receiptDummyHash(): Promise<string> {
  dummyHash ??= hashReceiptCode(generateReceiptCode()).catch((err: unknown) => {
    dummyHash = null; // do not cache a failure
    throw err;
  });
  return dummyHash;
}

/**
 * Finds which of the rows returned by the lookup key (usually zero or one) this code opens.
 * Always does the same work for a wrong code and an unknown one: every candidate is verified
 * (no early exit), and the dummy hash is verified when there is no candidate.
 */
export async function verifyReceiptCandidates<T extends { receiptHash: string }>(
  code: string,
  candidates: readonly T[],
): Promise<T | null> {
  const normalised = normaliseReceiptCode(code);
  if (normalised === null) return null;
  if (candidates.length === 0) {
    await verifyCanonical(normalised, await receiptDummyHash());
    return null;
  }
  const results = await Promise.all(candidates.map((c) => verifyCanonical(normalised, c.receiptHash)));
  const index = results.indexOf(true);
  return index === -1 ? null : (candidates[index] ?? null);
}

/** The keyed, deliberately short lookup value that narrows a code to a few case rows (4 hex chars). */
export function receiptLookupKey(code: string, indexKey: Buffer): string | null {
  return blindIndex(indexKey, "receipt", code);
}

/** A fresh salt for deriveApplicantKeyPair, stored with the case (with its parameter version). */
export function generateApplicantSalt(): Buffer {
  return Buffer.concat([Buffer.from([APPLICANT_SALT_V2]), randomBytes(SALT_BYTES)]);
}

/** The salt and parameters a stored applicant salt stands for: a bare salt is from before versions. */
function applicantKdf(stored: Buffer): { salt: Buffer; params: Argon2Params } {
  if (stored.length === SALT_BYTES) return { salt: stored, params: LEGACY_APPLICANT_PARAMS };
  if (stored.length === SALT_BYTES + 1 && stored[0] === APPLICANT_SALT_V2) return { salt: stored.subarray(1), params: RECEIPT_HASH_PARAMS };
  throw new CryptoError("INVALID_FORMAT", "unknown applicant salt format");
}

/**
 * The applicant's X25519 key pair, from his code and the case's salt: Argon2id → 32-byte seed →
 * crypto_box_seed_keypair. Same code and salt always give the same pair, so replies sealed to
 * the public key (stored at intake) are readable again whenever he brings his code.
 */
export async function deriveApplicantKeyPair(code: string, storedSalt: Buffer): Promise<KeyPair> {
  const { salt, params } = applicantKdf(storedSalt);
  const seed = await deriveKey(canonical(code), salt, params, "safe-passage/applicant-key/v1");
  try {
    const publicKey = Buffer.alloc(PUBLIC_KEY_BYTES);
    const privateKey = secureAlloc(PRIVATE_KEY_BYTES);
    sodium.crypto_box_seed_keypair(publicKey, privateKey, seed);
    return { publicKey, privateKey };
  } finally {
    wipe(seed);
  }
}
