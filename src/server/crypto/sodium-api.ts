import sodium from "sodium-native";
import { isPublicWork, publicArgon2 } from "./argon2-lane.js";

/**
 * Correct typings for the parts of sodium-native 4.x that @types/sodium-native (written for 2.x)
 * describes wrongly. In 4.x the secretstream state is a plain buffer of STATEBYTES, tags are
 * numbers on push and a 1-byte buffer on pull, pwhash_async returns a promise when no callback
 * is given, and the incremental generichash state is a plain buffer too. Only this file casts;
 * everything else in crypto/ stays type-checked.
 */
interface SecretstreamV4 {
  readonly crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_HEADERBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_KEYBYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_ABYTES: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  readonly crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_keygen(key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_init_push(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_push(state: Buffer, c: Buffer, m: Buffer, ad: Buffer | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Buffer, m: Buffer, tag: Buffer, c: Buffer, ad: Buffer | null): number;
}

interface PwhashV4 {
  crypto_pwhash_async(out: Buffer, password: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): Promise<void>;
  crypto_pwhash_str_async(out: Buffer, password: Buffer, opslimit: number, memlimit: number): Promise<void>;
  crypto_pwhash_str_verify_async(str: Buffer, password: Buffer): Promise<boolean>;
}

interface GenerichashV4 {
  readonly crypto_generichash_STATEBYTES: number;
  crypto_generichash_init(state: Buffer, key: Buffer | null, outputLength: number): void;
  crypto_generichash_update(state: Buffer, input: Buffer): void;
  crypto_generichash_final(state: Buffer, output: Buffer): void;
}

export const secretstream = sodium as unknown as SecretstreamV4;
const native = sodium as unknown as PwhashV4;
/**
 * The asynchronous Argon2id calls: the public listener's work goes through its lane, on threads
 * of lower priority (argon2-lane.ts); everyone else's runs on libuv's thread pool as before.
 */
export const pwhash: PwhashV4 = {
  crypto_pwhash_async: (...a) => (isPublicWork() ? publicArgon2.hash(...a) : native.crypto_pwhash_async(...a)),
  crypto_pwhash_str_async: (...a) => (isPublicWork() ? publicArgon2.str(...a) : native.crypto_pwhash_str_async(...a)),
  crypto_pwhash_str_verify_async: (...a) => (isPublicWork() ? publicArgon2.verify(...a) : native.crypto_pwhash_str_verify_async(...a)),
};
export const generichashStream = sodium as unknown as GenerichashV4;
