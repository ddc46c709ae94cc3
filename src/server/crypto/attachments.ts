import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDecryptStream, createEncryptStream, generateFileKey } from "./attachment-stream.js";
import { CryptoError } from "./errors.js";
import { randomBytes } from "./random.js";
import { wipe } from "./secure.js";
import { generichashStream as gh } from "./sodium-api.js";

/**
 * Attachments on disk. An upload is encrypted as it streams in, under a fresh random file key,
 * into a temporary file in the destination directory; only when the whole stream has been
 * encrypted, written and fsync'ed is it renamed to its final name. So plaintext never touches
 * the disk, a half-written file never has a final name, and a failed or oversized upload leaves
 * nothing behind (the temporary file is removed here; it only ever held ciphertext anyway).
 *
 * The caller stores the file key encrypted with the case key (encryptField, e.g. table
 * "attachments", field "file_key", rowId = attachment id) and the returned name.
 *
 * No hash of the plaintext is returned on purpose: stored in the clear it would let anyone
 * holding a copy of a document confirm that it was uploaded. The hash returned is of the
 * ciphertext, for backup and integrity checks.
 */
export interface EncryptedAttachment {
  /** Per-file key (secure memory): encrypt it with the case key, then wipe it. */
  fileKey: Buffer;
  /** File name inside `dir`, and the full path. */
  name: string;
  path: string;
  /** Plaintext size in bytes. */
  size: number;
  /** Size on disk. */
  storedSize: number;
  /** BLAKE2b-256 of the stored file, hex. */
  ciphertextHash: string;
}

export interface WriteAttachmentOptions {
  /** Destination directory (must exist). */
  dir: string;
  /** File name; a random one by default. Letters, digits, "-", "_" and "." only, no leading dot. */
  name?: string;
  /** Upper bound on plaintext size; the upload fails with TOO_LARGE beyond it. */
  maxBytes: number;
}

const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Encrypts `source` into `dir`; see the module comment for the guarantees. */
export async function writeEncryptedAttachment(
  source: Readable | AsyncIterable<Uint8Array | string>,
  options: WriteAttachmentOptions,
): Promise<EncryptedAttachment> {
  const name = options.name ?? randomBytes(16).toString("hex");
  if (!NAME_PATTERN.test(name)) throw new CryptoError("INVALID_INPUT", "attachment name must be a plain file name");
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) throw new CryptoError("INVALID_INPUT", "maxBytes must be a non-negative integer");
  const finalPath = path.join(options.dir, name);
  // Checked up front, not atomically with the rename: names are random ids in practice, and the
  // check only guards against a caller bug overwriting an existing attachment.
  if (fs.existsSync(finalPath)) throw new CryptoError("INVALID_INPUT", `attachment ${name} already exists`);
  const tempPath = path.join(options.dir, `.${name}.${randomBytes(6).toString("hex")}.part`);

  const fileKey = generateFileKey();
  const encrypt = createEncryptStream(fileKey, { maxBytes: options.maxBytes });
  const hashState = Buffer.alloc(gh.crypto_generichash_STATEBYTES);
  gh.crypto_generichash_init(hashState, null, 32);
  let storedSize = 0;

  const handle = await fs.promises.open(tempPath, "wx", 0o600);
  try {
    // Ciphertext goes straight from the encrypting stream to our own file handle (hashed on the
    // way), so we can fsync that handle before the rename and close it on every path.
    await pipeline(source, encrypt, async (ciphertext: AsyncIterable<Buffer>) => {
      for await (const chunk of ciphertext) {
        gh.crypto_generichash_update(hashState, chunk);
        let written = 0;
        while (written < chunk.length) written += (await handle.write(chunk, written)).bytesWritten;
        storedSize += chunk.length;
      }
    });
    await handle.sync();
    await handle.close();
    await fs.promises.rename(tempPath, finalPath);
    await syncDirectory(options.dir);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tempPath, { force: true });
    wipe(fileKey);
    throw err;
  }
  const digest = Buffer.alloc(32);
  gh.crypto_generichash_final(hashState, digest);
  return {
    fileKey,
    name,
    path: finalPath,
    size: encrypt.bytesIn,
    storedSize,
    ciphertextHash: digest.toString("hex"),
  };
}

/** fsync of the directory makes the rename itself durable ("write, commit, then answer"). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, "r");
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the file itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * A readable stream of the decrypted attachment. Each 64 KiB chunk is authenticated before it
 * is released; the stream errors with DECRYPT_FAILED on tampering and TRUNCATED if the file was
 * cut short, in which case the consumer must discard what it received (an HTTP response
 * should be aborted, not completed).
 */
export function openDecryptedAttachment(filePath: string, fileKey: Buffer): Readable {
  const decrypt = createDecryptStream(fileKey);
  const file = fs.createReadStream(filePath);
  file.on("error", (err) => decrypt.destroy(err));
  decrypt.on("close", () => file.destroy());
  return file.pipe(decrypt);
}

/** Reads a whole attachment into memory (small files, tests). Same errors as the stream. */
export async function readDecryptedAttachment(filePath: string, fileKey: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of openDecryptedAttachment(filePath, fileKey)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
