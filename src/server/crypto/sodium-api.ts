import sodium from "sodium-native";
import { argon2LaneHere } from "./argon2-lane.js";

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
/**
 * The asynchronous Argon2id calls, each in the lane of the work in progress (the public listener's
 * or the staff side's), on threads of lower priority than those answering requests (argon2-lane.ts).
 */
export const pwhash: PwhashV4 = {
  crypto_pwhash_async: (...a) => argon2LaneHere().hash(...a),
  crypto_pwhash_str_async: (...a) => argon2LaneHere().str(...a),
  crypto_pwhash_str_verify_async: (...a) => argon2LaneHere().verify(...a),
};
export const generichashStream = sodium as unknown as GenerichashV4;
