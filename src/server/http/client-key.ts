import sodium from "sodium-native";
import { randomBytes } from "../crypto/random.js";

/**
 * Rate limits need to tell clients apart without tracking people: the address is hashed with a
 * key that lives only in memory and is replaced every day, and the hash is never logged or stored.
 * Yesterday's hashes cannot be linked to today's, nor recomputed from a list of addresses later.
 */
let current: { day: string; key: Buffer } = { day: "", key: Buffer.alloc(0) };

export function clientKey(address: string | undefined, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  if (current.day !== day) {
    if (current.key.length) sodium.sodium_memzero(current.key);
    current = { day, key: randomBytes(32) };
  }
  const out = Buffer.alloc(16);
  sodium.crypto_generichash(out, Buffer.from(address ?? "unknown"), current.key);
  return out.toString("base64url");
}
