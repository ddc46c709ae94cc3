import { and, eq } from "drizzle-orm";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import type { ServerKeys } from "../crypto/server-key.js";
import { decryptJson, encryptJson, generateCaseKey, sealCaseKey, withSecret } from "../crypto/index.js";
import { trustedStaffKeys } from "../keys/pinned.js";
import { openKeySealedToMe } from "../keys/sealed-to-me.js";
import { AppError } from "../errors.js";
import type { StaffSession } from "../auth/sessions.js";
import { operationKeys } from "./tables.js";

/**
 * The operation key: a random data key of its own (made like a case key), sealed to each person
 * on the operation and to nobody else: not to a team, not to the case's readers. Losing every
 * sealed copy is exactly what closing an operation does (crypto-shredding).
 */
export const newOperationKey = generateCaseKey;

const ctxFor = (operationId: string, field: string, rowId?: string) => ({ caseId: operationId, table: "operations", field, ...(rowId ? { rowId } : {}) });
export const sealDetails = (key: Buffer, operationId: string, value: unknown) => encryptJson(key, ctxFor(operationId, "details"), value);
export const openDetails = (key: Buffer, operationId: string, stored: Buffer) => decryptJson(key, ctxFor(operationId, "details"), stored);
export const sealRow = (key: Buffer, operationId: string, field: string, rowId: string, value: unknown) => encryptJson(key, ctxFor(operationId, field, rowId), value);
export const openRow = (key: Buffer, operationId: string, field: string, rowId: string, stored: Buffer) => decryptJson(key, ctxFor(operationId, field, rowId), stored);

/** Seal the key to these staff members (their pinned public keys); one without a key pair is refused. */
export async function sealOperationKeyTo(tx: Tx, keys: ServerKeys, operationId: string, key: Buffer, userIds: string[], addedBy: string, now: Date): Promise<void> {
  const unique = [...new Set(userIds)];
  const pubs = await trustedStaffKeys(tx, keys, unique);
  if (pubs.length !== unique.length) throw new AppError("bad_request", "every person on an operation needs a staff key pair");
  for (const p of pubs) {
    await tx
      .insert(operationKeys)
      .values({ operationId, userId: p.userId, sealedKey: sealCaseKey(key, p.publicKey), addedBy, addedAt: now })
      .onConflictDoNothing();
  }
}

/** The operation key for this session, or null when it was not sealed to him (or no longer exists). */
export async function openOperationKey(db: Pick<Db, "select">, operationId: string, session: StaffSession): Promise<Buffer | null> {
  const [row] = await db.select().from(operationKeys).where(and(eq(operationKeys.operationId, operationId), eq(operationKeys.userId, session.user.id)));
  return openKeySealedToMe(row?.sealedKey, session.privateKey);
}

export async function withOperationKeyOrNull<T>(db: Pick<Db, "select">, operationId: string, session: StaffSession, fn: (key: Buffer) => Promise<T>): Promise<T | null> {
  const key = await openOperationKey(db, operationId, session);
  return key ? withSecret(key, fn) : null;
}
