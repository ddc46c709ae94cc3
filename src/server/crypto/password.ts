import sodium from "sodium-native";

/**
 * Staff password hashing: Argon2id through libsodium, never below 64 MiB of memory.
 * The encoded string carries its own parameters, so raising them later only needs a rehash
 * at the next successful login (see passwordNeedsRehash).
 */
export const PASSWORD_HASH_PARAMS = {
  algorithm: "argon2id13",
  opslimit: 3,
  memlimit: 64 * 1024 * 1024,
} as const;

export function hashPassword(password: string): Promise<string> {
  const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  const input = Buffer.from(password, "utf8");
  return new Promise((resolve, reject) => {
    sodium.crypto_pwhash_str_async(out, input, PASSWORD_HASH_PARAMS.opslimit, PASSWORD_HASH_PARAMS.memlimit, (err) => {
      sodium.sodium_memzero(input);
      if (err) return reject(err);
      resolve(out.toString("utf8").replace(/\0+$/, ""));
    });
  });
}

export function verifyPassword(encoded: string, password: string): Promise<boolean> {
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  str.write(encoded, "utf8");
  const input = Buffer.from(password, "utf8");
  return new Promise((resolve) => {
    sodium.crypto_pwhash_str_verify_async(str, input, (_err, ok) => {
      sodium.sodium_memzero(input);
      resolve(Boolean(ok));
    });
  });
}

export function passwordNeedsRehash(encoded: string): boolean {
  const str = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
  str.write(encoded, "utf8");
  return sodium.crypto_pwhash_str_needs_rehash(str, PASSWORD_HASH_PARAMS.opslimit, PASSWORD_HASH_PARAMS.memlimit);
}
