import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { attachments } from "../db/schema.js";
import { openDecryptedAttachment, writeEncryptedAttachment } from "../crypto/attachments.js";
import { decryptField, decryptJson, encryptField, encryptJson } from "../crypto/fields.js";
import { isCryptoError } from "../crypto/errors.js";
import { wipe } from "../crypto/secure.js";
import { AppError } from "../errors.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { caseKeyring } from "./case-cipher.js";
import { withCaseKey, type CaseAccess } from "./access.js";
import { recordChange } from "./change.js";

type Keyring = Awaited<ReturnType<typeof caseKeyring>>;

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const metaSchema = z.object({ name: z.string().max(255), type: z.string().max(100) });
export type AttachmentMeta = z.infer<typeof metaSchema>;

const fileKeyContext = (caseId: string, id: string) => ({ caseId, table: "attachments", field: "file_key", rowId: id });
const metaContext = (caseId: string, id: string) => ({ caseId, table: "attachments", field: "meta", rowId: id });

export function attachmentsDir(ctx: AppContext): string {
  const dir = path.join(ctx.config.dataDir, "attachments");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

type Written = Awaited<ReturnType<typeof writeEncryptedAttachment>>;

/**
 * An upload encrypted to the attachments directory as it streams in, under a fresh file key,
 * then recorded by `record` (which encrypts the file key under whatever key owns the file). The
 * file goes again if the record fails, and the file key is wiped however it ends: the one place
 * for case attachments and the files other capabilities keep beside them (a claim's photos).
 */
export async function writeRecordedFile<T>(ctx: AppContext, id: string, source: Readable | AsyncIterable<Uint8Array>, what: string, record: (written: Written) => Promise<T>): Promise<T> {
  let written: Written;
  try {
    written = await writeEncryptedAttachment(source, { dir: attachmentsDir(ctx), name: id, maxBytes: MAX_ATTACHMENT_BYTES });
  } catch (err) {
    if (isCryptoError(err, "TOO_LARGE")) throw new AppError("payload_too_large", `${what} are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`);
    throw err;
  }
  try {
    return await record(written);
  } catch (err) {
    fs.rmSync(written.path, { force: true });
    throw err;
  } finally {
    wipe(written.fileKey);
  }
}

/**
 * Encrypt an upload to disk as it streams in (never plaintext on disk, not even a temp file),
 * then record it: the file key and the name/type are encrypted under the case key. The caller
 * passes the transaction that records the message it belongs to, if any, and the case key.
 * Used by staff uploads and by the channels (Telegram/WhatsApp media).
 */
export async function storeAttachment(
  ctx: AppContext,
  tx: Tx | null,
  writeKey: { key: Buffer; sealedKey: Buffer | null },
  caseId: string,
  source: Readable | AsyncIterable<Uint8Array>,
  meta: AttachmentMeta,
  messageId?: string,
) {
  const caseKey = writeKey.key;
  const id = randomUUID();
  return writeRecordedFile(ctx, id, source, "attachments", async (written) => {
    const row = {
      id,
      caseId,
      messageId: messageId ?? null,
      fileKey: encryptField(caseKey, fileKeyContext(caseId, id), written.fileKey),
      meta: encryptJson(caseKey, metaContext(caseId, id), metaSchema.parse(meta)),
      size: written.size,
      sealedKey: writeKey.sealedKey,
      createdAt: ctx.now(),
    };
    await (tx ?? ctx.db).insert(attachments).values(row);
    return { id, size: written.size };
  });
}

export async function listAttachments(ctx: AppContext, keyring: Keyring, caseId: string) {
  const rows = await ctx.db.select().from(attachments).where(eq(attachments.caseId, caseId));
  const out = [];
  for (const r of rows) {
    const k = await keyring.rowKey(r.sealedKey);
    out.push({ id: r.id, messageId: r.messageId, size: r.size, createdAt: r.createdAt, ...metaSchema.parse(decryptJson(k, metaContext(caseId, r.id), r.meta)) });
  }
  return out;
}

/** A decrypting stream of one attachment; the stream fails if the file was cut or altered. */
export async function openAttachment(ctx: AppContext, keyring: Keyring, caseId: string, attachmentId: string) {
  const [row] = await ctx.db.select().from(attachments).where(and(eq(attachments.caseId, caseId), eq(attachments.id, attachmentId)));
  if (!row) throw new AppError("not_found", "no such attachment");
  const caseKey = await keyring.rowKey(row.sealedKey);
  const fileKey = decryptField(caseKey, fileKeyContext(caseId, row.id), row.fileKey);
  const meta = metaSchema.parse(decryptJson(caseKey, metaContext(caseId, row.id), row.meta));
  const stream = openDecryptedAttachment(path.join(attachmentsDir(ctx), row.id), fileKey);
  stream.once("close", () => wipe(fileKey));
  return { stream, meta, size: row.size };
}

/** Open the case's keyring for `fn` while its key is open (rows sealed by a channel included). */
function withKeyring<T>(ctx: AppContext, session: StaffSession, caseId: string, access: CaseAccess, fn: (keyring: Keyring) => Promise<T>): Promise<T> {
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      const keyring = await caseKeyring(ctx.db, row.id, caseKey, row.publicKey);
      try {
        return await fn(keyring);
      } finally {
        keyring.close();
      }
    },
    access,
  );
}

/** A staff member attaches a file to a case (as he would add a note); audited by id. */
export async function attachFile(ctx: AppContext, session: StaffSession, caseId: string, source: Readable | AsyncIterable<Uint8Array>, meta: AttachmentMeta) {
  authorize(session.user, "case", "note");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey) => {
      const r = await storeAttachment(ctx, null, { key: caseKey, sealedKey: null }, caseId, source, meta);
      await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "case.attachment_added", caseId, details: { attachment: r.id }, notify: "case.updated" }));
      return r;
    },
    { resource: "case", action: "note" },
  );
}

/** The attachments of a case with their decrypted names: reading the names is audited (how many, never which). */
export async function listCaseAttachments(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, "case", "read");
  const list = await withKeyring(ctx, session, caseId, { resource: "case", action: "read" }, (keyring) => listAttachments(ctx, keyring, caseId));
  await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "case.attachments_listed", caseId, details: { count: list.length }, notify: null }));
  return list;
}

/** One attachment as a decrypting stream; audited by its id. The stream outlives the case key: only the file key goes with it. */
export async function openCaseAttachment(ctx: AppContext, session: StaffSession, caseId: string, attachmentId: string) {
  authorize(session.user, "case", "read");
  const file = await withKeyring(ctx, session, caseId, { resource: "case", action: "read" }, (keyring) => openAttachment(ctx, keyring, caseId, attachmentId));
  await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "case.attachment_opened", caseId, details: { attachment: attachmentId }, notify: null }));
  return file;
}
