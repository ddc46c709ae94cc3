import { eq } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { staffKeys, users } from "../db/schema.js";
import { enrolStaffKeys, passwordWrapNeedsUpgrade, unwrapWithPassword, wrapWithPassword } from "../crypto/staff-keys.js";
import { escrowKeyId } from "../crypto/escrow.js";
import { isCryptoError } from "../crypto/errors.js";
import { hashPassword, passwordNeedsRehash } from "../crypto/password.js";
import type { ServerKeys } from "../crypto/server-key.js";
import { staffKeyMac, trustedEscrowKey } from "./pinned.js";

/** The pepper mixed into password hashes and password key-encryption keys (it lives in the key file). */
export const pepperOf = (keys: ServerKeys) => keys.subkey("pepper");

/** A staff password hash with the server's pepper: what every path that sets a password stores. */
export function hashStaffPassword(keys: ServerKeys, password: string): Promise<string> {
  return hashPassword(password, pepperOf(keys));
}

/**
 * Create a new staff member's key pair and store its three wrapped copies, with the row's MAC.
 * Returns the unlocked private key (to start the first session) and the recovery key, to show
 * once and never store.
 */
export async function createStaffKeys(tx: Tx, keys: ServerKeys, userId: string, password: string) {
  const escrow = await trustedEscrowKey(tx, keys);
  const enrolment = await enrolStaffKeys({ userId, password, pepper: pepperOf(keys), ...(escrow ? { escrowPublicKey: escrow.publicKey } : {}) });
  await tx.insert(staffKeys).values({
    userId,
    publicKey: enrolment.keyPair.publicKey,
    passwordWrapped: enrolment.passwordWrapped,
    recoveryWrapped: enrolment.recoveryWrapped,
    escrowWrapped: enrolment.escrowWrapped,
    escrowKeyId: escrow ? escrowKeyId(escrow.publicKey) : null,
    mac: staffKeyMac(keys, userId, enrolment.keyPair.publicKey),
  });
  return { keyPair: enrolment.keyPair, recoveryKey: enrolment.recoveryKey };
}

/** The private key of a staff member, unlocked with the password; null when it does not open. */
export async function unlockStaffKey(db: Pick<Db, "select">, keys: ServerKeys, userId: string, password: string): Promise<Buffer | null> {
  const [row] = await db.select().from(staffKeys).where(eq(staffKeys.userId, userId));
  if (!row) return null;
  try {
    return (await unwrapWithPassword(row.passwordWrapped, password, userId, pepperOf(keys), row.publicKey)).privateKey;
  } catch (err) {
    if (isCryptoError(err)) return null;
    throw err;
  }
}

/**
 * After a correct sign-in: a password hash or key copy from before the pepper (or with weaker
 * parameters) is replaced, so old backups are the only place the unpeppered forms remain.
 */
export async function upgradeStaffSecrets(db: Db, keys: ServerKeys, userId: string, password: string, privateKey: Buffer): Promise<boolean> {
  const [row] = await db.select({ passwordWrapped: staffKeys.passwordWrapped, passwordHash: users.passwordHash }).from(staffKeys).innerJoin(users, eq(users.id, staffKeys.userId)).where(eq(staffKeys.userId, userId));
  if (!row) return false;
  const rewrap = passwordWrapNeedsUpgrade(row.passwordWrapped);
  const rehash = passwordNeedsRehash(row.passwordHash);
  if (!rewrap && !rehash) return false;
  const passwordWrapped = rewrap ? await wrapWithPassword(privateKey, password, userId, pepperOf(keys)) : null;
  const passwordHash = rehash ? await hashStaffPassword(keys, password) : null;
  await db.transaction(async (tx) => {
    if (passwordWrapped) await tx.update(staffKeys).set({ passwordWrapped, updatedAt: new Date() }).where(eq(staffKeys.userId, userId));
    if (passwordHash) await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
  });
  return true;
}

/** A new password wraps the same private key: nothing is re-encrypted in bulk. */
export async function rewrapStaffKey(tx: Tx, keys: ServerKeys, userId: string, privateKey: Buffer, newPassword: string) {
  const wrapped = await wrapWithPassword(privateKey, newPassword, userId, pepperOf(keys));
  await tx.update(staffKeys).set({ passwordWrapped: wrapped, updatedAt: new Date() }).where(eq(staffKeys.userId, userId));
}
