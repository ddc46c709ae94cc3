import sodium from "sodium-native";
import { CryptoError } from "./errors.js";

/**
 * Printable encodings for secrets that people copy by hand (recovery keys, escrow shares).
 *
 * Crockford base32 because it has no letters that look alike (no I, L, O, U), is case-free, and
 * reads well over the phone; a decoder forgives the usual confusions (O→0, I/L→1). Every
 * printed code carries a checksum so that a typo is reported as a typo instead of as "wrong key"
 * (which, for a recovery key, would look like data loss).
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DECODE = new Map<string, number>();
for (let i = 0; i < ALPHABET.length; i++) DECODE.set(ALPHABET.charAt(i), i);
DECODE.set("O", 0);
DECODE.set("I", 1);
DECODE.set("L", 1);

/** Base32 (Crockford) of `bytes`, most significant bit first, zero bits padding the last symbol. */
export function toCrockford(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET.charAt((acc >>> bits) & 31);
    }
    acc &= (1 << bits) - 1; // keep only the bits not yet written, so acc never overflows
  }
  if (bits > 0) out += ALPHABET.charAt((acc << (5 - bits)) & 31);
  return out;
}

/**
 * Decodes Crockford base32 into exactly `byteLength` bytes. Separators (spaces, dashes, dots)
 * and case are ignored. Throws INVALID_FORMAT for a foreign character or a wrong length.
 */
export function fromCrockford(text: string, byteLength: number): Buffer {
  const symbols = stripSeparators(text).toUpperCase();
  if (symbols.length !== Math.ceil((byteLength * 8) / 5)) {
    throw new CryptoError("INVALID_FORMAT", `expected ${Math.ceil((byteLength * 8) / 5)} characters`);
  }
  const out = Buffer.alloc(byteLength);
  let acc = 0;
  let bits = 0;
  let pos = 0;
  for (const ch of symbols) {
    const v = DECODE.get(ch);
    if (v === undefined) throw new CryptoError("INVALID_FORMAT", "unexpected character in code");
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >>> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  // The padding bits of the last symbol must be zero, or two spellings would decode the same.
  if (acc !== 0) throw new CryptoError("INVALID_FORMAT", "non-canonical code");
  return out;
}

/** Drops the characters people put between groups when they copy a code. */
export function stripSeparators(text: string): string {
  return text.normalize("NFKC").replace(/[\s\-–—._]/g, "");
}

/** "ABCDEFGH" → "ABCD-EFGH": groups are easier to read aloud and to compare. */
export function groupChars(text: string, size = 4, separator = "-"): string {
  const groups: string[] = [];
  for (let i = 0; i < text.length; i += size) groups.push(text.slice(i, i + size));
  return groups.join(separator);
}

/**
 * A short checksum for typo detection (not a MAC: no secret is involved). BLAKE2b with a
 * per-format domain string, truncated; 4 bytes miss a random typo with probability 2^-32.
 */
export function checksum(domain: string, data: Uint8Array, length: number): Buffer {
  const full = Buffer.alloc(sodium.crypto_generichash_BYTES);
  sodium.crypto_generichash_batch(full, [Buffer.from(`safe-passage/checksum/${domain}\0`, "utf8"), Buffer.from(data)]);
  return full.subarray(0, length);
}

/** Length-prefixed concatenation: an unambiguous encoding of several strings (for AD and hashes). */
export function canonicalParts(parts: readonly string[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = Buffer.from(part, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    chunks.push(len, bytes);
  }
  return Buffer.concat(chunks);
}

/** Strict base64url decode: rejects anything that would not round-trip (hidden characters, padding). */
export function fromBase64Url(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new CryptoError("INVALID_FORMAT", `${what}: not base64url`);
  const buf = Buffer.from(text, "base64url");
  if (buf.toString("base64url") !== text) throw new CryptoError("INVALID_FORMAT", `${what}: not canonical base64url`);
  return buf;
}
