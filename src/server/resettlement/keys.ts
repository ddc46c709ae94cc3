import { and, eq } from "drizzle-orm";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import type { ServerKeys } from "../crypto/server-key.js";
import { decryptJson, encryptJson, sealCaseKey } from "../crypto/index.js";
import { trustedStaffKeys } from "../keys/pinned.js";
import { openKeySealedToMe } from "../keys/sealed-to-me.js";
import { AppError } from "../errors.js";
import type { StaffSession } from "../auth/sessions.js";
import { resettlementKeys } from "./tables.js";

/**
 * The file key: a random data key per case's resettlement file (made like a case key), sealed
 * to each resettlement officer on the case and to nobody else (SECURITY.md, need-to-know data).
 * Each value is bound to its case, table and row, so a ciphertext moved to another row fails.
 */
const ctxFor = (caseId: string, table: string, rowId: string) => ({ caseId, table, field: "sealed", rowId });
export const sealValue = (key: Buffer, caseId: string, table: string, rowId: string, value: unknown) => encryptJson(key, ctxFor(caseId, table, rowId), value);
export const openValue = (key: Buffer, caseId: string, table: string, rowId: string, stored: Buffer) => decryptJson(key, ctxFor(caseId, table, rowId), stored);

/** Seal the file key to one more officer (his pinned public key); one without a key pair is refused. */
export async function sealFileKeyTo(tx: Tx, keys: ServerKeys, caseId: string, key: Buffer, userId: string, addedBy: string, now: Date): Promise<void> {
  const [pub] = await trustedStaffKeys(tx, keys, [userId]);
  if (!pub) throw new AppError("bad_request", "a resettlement officer needs a staff key pair");
  await tx.insert(resettlementKeys).values({ caseId, userId, sealedKey: sealCaseKey(key, pub.publicKey), addedBy, addedAt: now }).onConflictDoNothing();
}

/** The file key for this session, or null when it is not sealed to him. */
export async function openFileKey(db: Pick<Db, "select">, caseId: string, session: StaffSession): Promise<Buffer | null> {
  const [row] = await db.select().from(resettlementKeys).where(and(eq(resettlementKeys.caseId, caseId), eq(resettlementKeys.userId, session.user.id)));
  return openKeySealedToMe(row?.sealedKey, session.privateKey);
}
