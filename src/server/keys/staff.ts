import { eq } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { escrowKeys, staffKeys } from "../db/schema.js";
import { enrolStaffKeys, unwrapWithPassword, wrapWithPassword } from "../crypto/staff-keys.js";
import { escrowKeyId } from "../crypto/escrow.js";
import { isCryptoError } from "../crypto/errors.js";

/** The active organisation escrow public key, if one was set up (`keys escrow init`). */
export async function activeEscrowKey(db: Pick<Db, "select">) {
  const [row] = await db.select().from(escrowKeys).where(eq(escrowKeys.active, true)).limit(1);
  return row ?? null;
}

/**
 * Create a new staff member's key pair and store its three wrapped copies. Returns the unlocked
 * private key (to start the first session) and the recovery key, to show once and never store.
 */
export async function createStaffKeys(tx: Tx, userId: string, password: string) {
  const escrow = await activeEscrowKey(tx);
  const enrolment = await enrolStaffKeys({ userId, password, ...(escrow ? { escrowPublicKey: escrow.publicKey } : {}) });
  await tx.insert(staffKeys).values({
    userId,
    publicKey: enrolment.keyPair.publicKey,
    passwordWrapped: enrolment.passwordWrapped,
    recoveryWrapped: enrolment.recoveryWrapped,
    escrowWrapped: enrolment.escrowWrapped,
    escrowKeyId: escrow ? escrowKeyId(escrow.publicKey) : null,
  });
  return { keyPair: enrolment.keyPair, recoveryKey: enrolment.recoveryKey };
}

/** The private key of a staff member, unlocked with the password; null when it does not open. */
export async function unlockStaffKey(db: Pick<Db, "select">, userId: string, password: string): Promise<Buffer | null> {
  const [row] = await db.select().from(staffKeys).where(eq(staffKeys.userId, userId));
  if (!row) return null;
  try {
    return (await unwrapWithPassword(row.passwordWrapped, password, userId, row.publicKey)).privateKey;
  } catch (err) {
    if (isCryptoError(err)) return null;
    throw err;
  }
}

/** A new password wraps the same private key: nothing is re-encrypted in bulk. */
export async function rewrapStaffKey(tx: Tx, userId: string, privateKey: Buffer, newPassword: string) {
  const wrapped = await wrapWithPassword(privateKey, newPassword, userId);
  await tx.update(staffKeys).set({ passwordWrapped: wrapped, updatedAt: new Date() }).where(eq(staffKeys.userId, userId));
}

export async function staffPublicKey(db: Pick<Db, "select">, userId: string): Promise<Buffer | null> {
  const [row] = await db.select({ publicKey: staffKeys.publicKey }).from(staffKeys).where(eq(staffKeys.userId, userId));
  return row?.publicKey ?? null;
}
