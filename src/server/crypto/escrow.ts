import sodium from "sodium-native";
import { combine, split } from "shamir-secret-sharing";
import { generateKeyPair, keyPairFromPrivateKey, keyPairMatches, PRIVATE_KEY_BYTES, PUBLIC_KEY_BYTES } from "./box.js";
import type { KeyPair } from "./box.js";
import { checksum, fromCrockford, groupChars, stripSeparators, toCrockford } from "./encoding.js";
import { CryptoError } from "./errors.js";
import { secureCopy, wipe } from "./secure.js";

/**
 * The organisation escrow key: an X25519 key pair whose public key is used to seal a third copy
 * of every staff private key (staff-keys.ts), and whose private key exists only as Shamir shares
 * held by several officers. Any `threshold` of them can rebuild it offline to recover a staff
 * key; fewer learn nothing. This module hands out the shares and forgets the private key: it is
 * never written anywhere by this code.
 *
 * Printed share (one per officer), 3 + 64 characters after the prefix:
 *   SPE1-007-XXXX-XXXX-...-XXXX   (16 groups of 4)
 * "SPE1" is the format, "007" the share number (1..255, for the officers' own bookkeeping).
 * The 40 encoded bytes are: threshold (1), key id (4: BLAKE2b of the public key, so shares of
 * different escrow keys are not mixed up), the Shamir share (33: 32 bytes of secret share plus the
 * library's x coordinate), and a 2-byte checksum over all of it and the share number, which turns
 * a typo into INVALID_CHECKSUM. A rebuilt key is always checked against the public key.
 */
const FORMAT = "SPE1";
const KEY_ID_BYTES = 4;
const SHARE_BYTES = PRIVATE_KEY_BYTES + 1;
const CHECK_BYTES = 2;
const PAYLOAD_BYTES = 1 + KEY_ID_BYTES + SHARE_BYTES;

export interface EscrowShare {
  /** 1..n, as printed. */
  number: number;
  threshold: number;
  /** Hex of the 4-byte key id of the escrow public key. */
  keyId: string;
  /** The raw Shamir share (wipe when done). */
  share: Uint8Array;
}

export interface EscrowSetup {
  publicKey: Buffer;
  keyId: string;
  /** Printable shares; hand each to one officer and do not store them together. */
  shares: string[];
}

/** Short identifier of an escrow public key, printed on shares and shown in the console. */
export function escrowKeyId(publicKey: Buffer): string {
  if (publicKey.length !== PUBLIC_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "escrow public key must be 32 bytes");
  const out = Buffer.alloc(16);
  sodium.crypto_generichash(out, Buffer.concat([Buffer.from("safe-passage/escrow-key-id/v1\0"), publicKey]));
  return out.subarray(0, KEY_ID_BYTES).toString("hex");
}

/**
 * Creates a new escrow key and splits its private key into `shareCount` shares, any `threshold`
 * of which rebuild it (2 ≤ threshold ≤ shareCount ≤ 255).
 */
export async function createEscrowKey(shareCount: number, threshold: number): Promise<EscrowSetup> {
  if (!Number.isInteger(shareCount) || !Number.isInteger(threshold) || threshold < 2 || shareCount < threshold || shareCount > 255) {
    throw new CryptoError("INVALID_INPUT", "need 2 <= threshold <= shares <= 255");
  }
  const pair = generateKeyPair();
  // The Shamir library insists on a plain Uint8Array (not a Buffer): a heap copy, wiped below.
  const secret = new Uint8Array(pair.privateKey);
  try {
    const raw = await split(secret, shareCount, threshold);
    const keyId = escrowKeyId(pair.publicKey);
    const shares = raw.map((share, i) => {
      const text = encodeEscrowShare({ number: i + 1, threshold, keyId, share });
      wipe(share);
      return text;
    });
    return { publicKey: pair.publicKey, keyId, shares };
  } finally {
    wipe(secret, pair.privateKey);
  }
}

function shareChecksum(number: number, payload: Uint8Array): Buffer {
  return checksum("escrow-share", Buffer.concat([Buffer.from([number]), payload]), CHECK_BYTES);
}

export function encodeEscrowShare(share: EscrowShare): string {
  const keyId = Buffer.from(share.keyId, "hex");
  if (share.share.length !== SHARE_BYTES || keyId.length !== KEY_ID_BYTES || share.number < 1 || share.number > 255) {
    throw new CryptoError("INVALID_INPUT", "malformed escrow share");
  }
  const payload = Buffer.concat([Buffer.from([share.threshold]), keyId, share.share]);
  const full = Buffer.concat([payload, shareChecksum(share.number, payload)]);
  const text = `${FORMAT}-${String(share.number).padStart(3, "0")}-${groupChars(toCrockford(full), 4)}`;
  wipe(payload, full);
  return text;
}

/** Parses a typed share; INVALID_FORMAT or INVALID_CHECKSUM if it was mistyped. */
export function parseEscrowShare(text: string): EscrowShare {
  const compact = stripSeparators(text).toUpperCase();
  const m = /^SPE1(\d{3})([0-9A-Z]+)$/.exec(compact);
  if (!m) throw new CryptoError("INVALID_FORMAT", "not an escrow share (expected SPE1-NNN-...)");
  const number = Number(m[1]);
  const full = fromCrockford(m[2] ?? "", PAYLOAD_BYTES + CHECK_BYTES);
  const payload = full.subarray(0, PAYLOAD_BYTES);
  if (number < 1 || number > 255 || !sodium.sodium_memcmp(shareChecksum(number, payload), full.subarray(PAYLOAD_BYTES))) {
    wipe(full);
    throw new CryptoError("INVALID_CHECKSUM", `escrow share ${number} has a typo (checksum mismatch)`);
  }
  const share = new Uint8Array(payload.subarray(1 + KEY_ID_BYTES));
  const result = {
    number,
    threshold: payload[0] ?? 0,
    keyId: payload.subarray(1, 1 + KEY_ID_BYTES).toString("hex"),
    share,
  };
  wipe(full);
  return result;
}

/**
 * Rebuilds the escrow key pair from printed shares and checks it against `publicKey`.
 * NOT_ENOUGH_SHARES when fewer distinct shares than the threshold are given (Shamir would
 * silently produce a wrong key), when shares of another escrow key are mixed in, or when the
 * result does not match. The caller wipes the returned private key when recovery is done.
 */
export async function combineEscrowShares(printedShares: readonly string[], publicKey: Buffer): Promise<KeyPair> {
  const keyId = escrowKeyId(publicKey);
  const byNumber = new Map<number, EscrowShare>();
  for (const text of printedShares) {
    const share = parseEscrowShare(text);
    if (share.keyId !== keyId) throw new CryptoError("NOT_ENOUGH_SHARES", `share ${share.number} belongs to another escrow key`);
    byNumber.set(share.number, share);
  }
  const shares = [...byNumber.values()];
  const threshold = shares[0]?.threshold ?? 2;
  try {
    if (shares.length < Math.max(2, threshold) || shares.some((s) => s.threshold !== threshold)) {
      throw new CryptoError("NOT_ENOUGH_SHARES", `need ${threshold} distinct shares, got ${shares.length}`);
    }
    let secret: Uint8Array;
    try {
      secret = await combine(shares.map((s) => s.share));
    } catch {
      throw new CryptoError("NOT_ENOUGH_SHARES", "shares do not combine (duplicates or inconsistent)");
    }
    const pair = keyPairFromPrivateKey(secureCopy(secret));
    wipe(secret);
    if (!keyPairMatches(pair, publicKey)) {
      wipe(pair.privateKey);
      throw new CryptoError("KEY_MISMATCH", "shares rebuild a key that does not match the escrow public key");
    }
    return pair;
  } finally {
    for (const s of shares) wipe(s.share);
  }
}
