import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { CryptoError } from "./errors.js";
import { secretstream as ss } from "./sodium-api.js";
import { secureAlloc, secureMove, wipe } from "./secure.js";
import { randomBytes } from "./random.js";

/**
 * Streaming encryption of attachments with libsodium's secretstream (XChaCha20-Poly1305 with a
 * per-chunk counter): chunks cannot be reordered, dropped or duplicated without detection, and
 * the last chunk carries TAG_FINAL, so a file cut short is detected rather than read as a
 * shorter document.
 *
 * Encrypted layout:
 *   "SPA1" | secretstream header (24) | chunk* ; chunk = 64 KiB of plaintext + 17 bytes
 * Every chunk except the last holds exactly CHUNK_BYTES of plaintext; the last (possibly empty)
 * holds the rest and is tagged FINAL. Fixed chunk sizes let the reader split without lengths.
 */
export const MAGIC = Buffer.from("SPA1", "ascii");
export const CHUNK_BYTES = 64 * 1024;
const HEADER_BYTES = ss.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
const ABYTES = ss.crypto_secretstream_xchacha20poly1305_ABYTES;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + ABYTES;
const TAG_MESSAGE = ss.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const TAG_FINAL = ss.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
export const FILE_KEY_BYTES = ss.crypto_secretstream_xchacha20poly1305_KEYBYTES;

/** A fresh random per-file key (secure memory). The caller encrypts it with the case key. */
export function generateFileKey(): Buffer {
  return secureMove(randomBytes(FILE_KEY_BYTES));
}

/** Collects incoming buffers and hands out exact-size slices, without quadratic copying. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    if (b.length > 0) {
      this.parts.push(b);
      this.length += b.length;
    }
  }
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.parts = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }
}

function checkKey(fileKey: Buffer): void {
  if (fileKey.length !== FILE_KEY_BYTES) throw new CryptoError("INVALID_INPUT", `file key must be ${FILE_KEY_BYTES} bytes`);
}

/** Encrypting Transform. Counts plaintext bytes and fails with TOO_LARGE past `maxBytes`. */
export class EncryptStream extends Transform {
  private readonly state = secureAlloc(ss.crypto_secretstream_xchacha20poly1305_STATEBYTES);
  private readonly queue = new ByteQueue();
  private started = false;
  /** Plaintext bytes seen so far. */
  bytesIn = 0;

  constructor(
    private readonly fileKey: Buffer,
    private readonly maxBytes: number,
  ) {
    super();
    checkKey(fileKey);
  }

  private seal(plain: Buffer, tag: number): Buffer {
    const out = Buffer.alloc(plain.length + ABYTES);
    ss.crypto_secretstream_xchacha20poly1305_push(this.state, out, plain, null, tag);
    return out;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const header = Buffer.alloc(HEADER_BYTES);
    ss.crypto_secretstream_xchacha20poly1305_init_push(this.state, header, this.fileKey);
    this.push(Buffer.concat([MAGIC, header]));
  }

  override _transform(chunk: unknown, _enc: BufferEncoding, done: TransformCallback): void {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array | string);
    this.bytesIn += data.length;
    if (this.bytesIn > this.maxBytes) {
      done(new CryptoError("TOO_LARGE", `attachment larger than ${this.maxBytes} bytes`));
      return;
    }
    try {
      this.start();
      this.queue.push(data);
      while (this.queue.length >= CHUNK_BYTES) {
        // Plaintext slices may be views of the caller's buffers: sealed, not wiped.
        this.push(this.seal(this.queue.take(CHUNK_BYTES), TAG_MESSAGE));
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.start();
      this.push(this.seal(this.queue.take(this.queue.length), TAG_FINAL));
      done();
    } catch (err) {
      done(err as Error);
    } finally {
      wipe(this.state);
    }
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    wipe(this.state);
    done(err);
  }
}

/**
 * Decrypting Transform. Releases a chunk only after it authenticated, so a consumer never sees
 * a byte that was not written by the holder of the file key. Errors: INVALID_FORMAT (not an
 * attachment), DECRYPT_FAILED (wrong key or tampered), TRUNCATED (no final chunk).
 */
export class DecryptStream extends Transform {
  private readonly state = secureAlloc(ss.crypto_secretstream_xchacha20poly1305_STATEBYTES);
  private readonly queue = new ByteQueue();
  private started = false;
  private finished = false;
  /** Plaintext bytes released so far. */
  bytesOut = 0;

  constructor(private readonly fileKey: Buffer) {
    super();
    checkKey(fileKey);
  }

  private open(sealed: Buffer): void {
    if (this.finished) throw new CryptoError("DECRYPT_FAILED", "attachment has data after its final chunk");
    if (sealed.length < ABYTES) throw new CryptoError("DECRYPT_FAILED", "attachment truncated or tampered");
    const plain = Buffer.alloc(sealed.length - ABYTES);
    const tag = Buffer.alloc(1);
    try {
      ss.crypto_secretstream_xchacha20poly1305_pull(this.state, plain, tag, sealed, null);
    } catch {
      throw new CryptoError("DECRYPT_FAILED", "attachment chunk failed authentication (wrong key, truncated or tampered)");
    }
    if (tag[0] === TAG_FINAL) this.finished = true;
    else if (tag[0] !== TAG_MESSAGE) throw new CryptoError("INVALID_FORMAT", "unexpected chunk tag");
    this.bytesOut += plain.length;
    if (plain.length > 0) this.push(plain);
  }

  private drain(): void {
    if (!this.started) {
      if (this.queue.length < MAGIC.length + HEADER_BYTES) return;
      const head = this.queue.take(MAGIC.length + HEADER_BYTES);
      if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new CryptoError("INVALID_FORMAT", "not an encrypted attachment");
      ss.crypto_secretstream_xchacha20poly1305_init_pull(this.state, Buffer.from(head.subarray(MAGIC.length)), this.fileKey);
      this.started = true;
    }
    while (this.queue.length >= SEALED_CHUNK_BYTES) this.open(this.queue.take(SEALED_CHUNK_BYTES));
  }

  override _transform(chunk: unknown, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.queue.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
      this.drain();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.drain();
      if (!this.started) throw new CryptoError("TRUNCATED", "attachment ends inside its header");
      if (this.queue.length > 0) this.open(this.queue.take(this.queue.length));
      if (!this.finished) throw new CryptoError("TRUNCATED", "attachment ends before its final chunk");
      done();
    } catch (err) {
      done(err as Error);
    } finally {
      wipe(this.state);
    }
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    wipe(this.state);
    done(err);
  }
}

/** An encrypting Transform for `fileKey`; fails with TOO_LARGE past `maxBytes` of plaintext. */
export function createEncryptStream(fileKey: Buffer, options: { maxBytes: number }): EncryptStream {
  return new EncryptStream(fileKey, options.maxBytes);
}

/** A decrypting Transform for `fileKey`. */
export function createDecryptStream(fileKey: Buffer): DecryptStream {
  return new DecryptStream(fileKey);
}
