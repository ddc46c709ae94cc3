import sodium from "sodium-native";

/**
 * Memory hygiene for key material (SECURITY.md, adversary 4: someone inside the running server
 * must not find the keys of staff who are not logged in).
 *
 * JavaScript cannot promise that a secret never leaves a copy behind (strings are immutable and
 * the GC moves objects), so the rule here is modest and practical:
 * - private keys, case keys and derived wrapping keys live in sodium_malloc buffers: outside the
 *   V8 heap (never copied by the GC), guarded by canary pages, mlock'ed where the OS allows
 *   (not swapped to disk) and wiped by libsodium when freed;
 * - short-lived copies (a decrypted password, a key on its way into a wrap) are wiped with
 *   sodium_memzero as soon as they have served, typically through withSecret().
 * sodium_malloc costs a few pages per buffer, so it is for keys, not for bulk plaintext.
 */

/** A zero-filled buffer in guarded, non-swappable memory, for key material. */
export function secureAlloc(size: number): Buffer {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError("secureAlloc: size must be a positive integer");
  const buf = sodium.sodium_malloc(size);
  sodium.sodium_memzero(buf);
  return buf;
}

/** Copies `source` into a secure buffer. The source is left as is; wipe it if it was a secret. */
export function secureCopy(source: Uint8Array): Buffer {
  const buf = secureAlloc(source.length);
  buf.set(source);
  return buf;
}

/** Copies into a secure buffer, then wipes the source: for secrets that arrived in ordinary memory. */
export function secureMove(source: Uint8Array): Buffer {
  const buf = secureCopy(source);
  wipe(source);
  return buf;
}

/** Overwrites each buffer with zeros in a way the compiler cannot optimise away. */
export function wipe(...buffers: Array<Uint8Array | null | undefined>): void {
  for (const b of buffers) {
    if (b && b.length > 0) {
      sodium.sodium_memzero(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    }
  }
}

/**
 * Runs `fn` with a secret and wipes the secret afterwards, whether `fn` succeeds, throws or
 * rejects. Use it for a key that is needed for one operation only:
 *   const pair = await withSecret(await derive(...), (kek) => unwrap(kek, blob));
 * Do not return the secret itself (or a view of it) from `fn`: it is zero when you get it.
 */
export async function withSecret<T>(secret: Buffer, fn: (secret: Buffer) => T | Promise<T>): Promise<T> {
  try {
    return await fn(secret);
  } finally {
    wipe(secret);
  }
}

/** The synchronous twin of withSecret, for code paths that cannot await. */
export function withSecretSync<T>(secret: Buffer, fn: (secret: Buffer) => T): T {
  try {
    return fn(secret);
  } finally {
    wipe(secret);
  }
}

/**
 * Many small secrets of one operation (the row keys of a long thread) in a few guarded slabs
 * instead of one sodium_malloc each: every sodium_malloc maps its own pages (guard pages, canary,
 * mlock) that are given back only when the collector finalises the buffer, and the JS heap sees
 * none of it, so 640 row keys per thread read piled up native memory by the gigabyte (issue 17).
 * `close` wipes every slab; the slots must not be used afterwards.
 */
export class SecureArena {
  private readonly slabs: Buffer[] = [];
  private used = 0;

  constructor(private readonly slabBytes = 4096) {}

  /** A zeroed slot of `size` bytes in secure memory, valid until close(). */
  take(size: number): Buffer {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError("SecureArena.take: size must be a positive integer");
    if (size > this.slabBytes) {
      const own = secureAlloc(size);
      this.slabs.push(own);
      return own;
    }
    let slab = this.slabs.at(-1);
    if (!slab || slab.length !== this.slabBytes || this.used + size > this.slabBytes) {
      slab = secureAlloc(this.slabBytes);
      this.slabs.push(slab);
      this.used = 0;
    }
    const slot = slab.subarray(this.used, this.used + size);
    this.used += size;
    return slot;
  }

  close(): void {
    wipe(...this.slabs);
    this.slabs.length = 0;
    this.used = 0;
  }
}
