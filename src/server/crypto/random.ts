import sodium from "sodium-native";

/** Random bytes from libsodium's CSPRNG: the one random source of the server. */
export function randomBytes(length: number): Buffer {
  const buf = Buffer.alloc(length);
  sodium.randombytes_buf(buf);
  return buf;
}

/** An unguessable token for links and session ids, URL-safe base64 of 32 random bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256-strength keyed-free digest used to store tokens: we keep only the hash of a bearer token. */
export function hashToken(token: string): Buffer {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, Buffer.from(token, "utf8"));
  return out;
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && sodium.sodium_memcmp(a, b);
}
