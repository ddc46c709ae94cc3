import { generateKeyPair, openSealed, PUBLIC_KEY_BYTES, sealTo, type KeyPair } from "./box.js";
import { createDecryptStream, createEncryptStream, generateFileKey, type DecryptStream, type EncryptStream } from "./attachment-stream.js";
import { CryptoError } from "./errors.js";
import { wipe } from "./secure.js";

/**
 * The envelope of a backup archive: a random file key sealed (X25519 sealed box) to the
 * organisation's backup recipient key, whose private half is kept offline, then the payload
 * under that key as a secretstream (attachment-stream.ts: chunked, authenticated, truncation
 * detected). The server can write backups but cannot read them back.
 *
 *   "SPBK1\n" | sealed file key length (2 bytes) | sealed file key | secretstream payload
 */
export const ARCHIVE_MAGIC = Buffer.from("SPBK1\n", "ascii");
const MAX_SEALED = 1024;

/** A new backup recipient key pair: the public half goes to the server, the private half offline. */
export function generateBackupRecipient(): KeyPair {
  return generateKeyPair();
}

export function archiveEncryptor(recipientPublicKey: Buffer): { prefix: Buffer; stream: EncryptStream } {
  if (recipientPublicKey.length !== PUBLIC_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "not a backup recipient public key");
  const fileKey = generateFileKey();
  const sealed = sealTo(recipientPublicKey, fileKey);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(sealed.length);
  const stream = createEncryptStream(fileKey, { maxBytes: Number.MAX_SAFE_INTEGER });
  // The stream reads the key when its first bytes arrive: wiped when it is done, not before.
  stream.once("close", () => wipe(fileKey));
  return { prefix: Buffer.concat([ARCHIVE_MAGIC, len, sealed]), stream };
}

/** How many bytes the envelope takes, from the first bytes of a file (at least 8); null if not an archive. */
export function archivePrefixLength(head: Buffer): number | null {
  if (head.length < ARCHIVE_MAGIC.length + 2 || !head.subarray(0, ARCHIVE_MAGIC.length).equals(ARCHIVE_MAGIC)) return null;
  const n = head.readUInt16BE(ARCHIVE_MAGIC.length);
  return n > 0 && n <= MAX_SEALED ? ARCHIVE_MAGIC.length + 2 + n : null;
}

/** The decrypting stream for an archive whose envelope is `prefix`, with the recipient's key pair. */
export function archiveDecryptor(prefix: Buffer, recipient: KeyPair): DecryptStream {
  const total = archivePrefixLength(prefix);
  if (total === null || prefix.length !== total) throw new CryptoError("INVALID_FORMAT", "not a Safe Passage backup archive");
  const fileKey = openSealed(prefix.subarray(ARCHIVE_MAGIC.length + 2), recipient, "backup archive key", true);
  const stream = createDecryptStream(fileKey);
  stream.once("close", () => wipe(fileKey));
  return stream;
}
