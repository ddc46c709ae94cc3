import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { caseGrants, escrowKeys, setupTokens, staffKeys, teamMembers, users } from "../db/schema.js";
import type { Tx } from "../audit/log.js";
import { appendAudit } from "../audit/log.js";
import { hashToken, randomToken } from "../crypto/random.js";
import { combineEscrowShares } from "../crypto/escrow.js";
import { unwrapWithEscrow, unwrapWithRecoveryKey, wrapWithPassword } from "../crypto/staff-keys.js";
import { wipe } from "../crypto/secure.js";
import { isCryptoError } from "../crypto/errors.js";
import { setupLinkUrl } from "../auth/setup-links.js";
import { endAllSessions } from "../auth/sessions.js";
import { assertStrongPassword } from "../auth/password-policy.js";
import { AppError } from "../errors.js";
import { createStaffKeys, hashStaffPassword, pepperOf } from "../keys/staff.js";

/**
 * Account recovery is account management (staff/), standing on the key layer (keys/) and the
 * sign-in layer (auth/): a forgotten password, the audited loss of a key, a re-key link.
 */

export type RecoveryProof = { recoveryKey: string } | { shares: string[] };

/**
 * A forgotten password, without losing anything: the staff member's old private key is opened
 * with his printed recovery key, or with threshold escrow shares, and wrapped under a new
 * password. Every case and team key sealed to him keeps working. Audited; sessions end.
 */
export async function recoverStaffKey(ctx: AppContext, username: string, proof: RecoveryProof, newPassword: string) {
  const [user] = await ctx.db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
  const [keys] = user ? await ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, user.id)) : [];
  if (!user || !keys) throw new AppError("not_found", "no such staff member");
  assertStrongPassword(newPassword, "password", [user.username, user.displayName]);
  let privateKey: Buffer;
  try {
    if ("recoveryKey" in proof) {
      privateKey = unwrapWithRecoveryKey(keys.recoveryWrapped, proof.recoveryKey, user.id, keys.publicKey).privateKey;
    } else {
      const [escrow] = keys.escrowKeyId ? await ctx.db.select().from(escrowKeys).where(eq(escrowKeys.id, keys.escrowKeyId)) : [];
      if (!escrow || !keys.escrowWrapped) throw new AppError("conflict", "this staff key has no escrow copy (its owner never signed in after escrow was set up)");
      const escrowPair = await combineEscrowShares(proof.shares, escrow.publicKey);
      try {
        privateKey = unwrapWithEscrow(keys.escrowWrapped, escrowPair, user.id, keys.publicKey).privateKey;
      } finally {
        wipe(escrowPair.privateKey);
      }
    }
  } catch (err) {
    if (isCryptoError(err)) throw new AppError("validation_failed", `recovery failed: ${err.message}`);
    throw err;
  }
  try {
    const passwordWrapped = await wrapWithPassword(privateKey, newPassword, user.id, pepperOf(ctx.keys));
    const passwordHash = await hashStaffPassword(ctx.keys, newPassword);
    await ctx.db.transaction(async (tx) => {
      await tx.update(staffKeys).set({ passwordWrapped, updatedAt: ctx.now() }).where(eq(staffKeys.userId, user.id));
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
      await endAllSessions(tx, user.id);
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "staff.key_recovered", subjectType: "staff", subjectId: user.id, details: { via: "recoveryKey" in proof ? "recovery_key" : "escrow" } });
    });
  } finally {
    wipe(privateKey);
  }
}

/**
 * The last resort, when neither recovery key nor escrow shares exist: an explicit, audited loss
 * of everything sealed only to this person's key (personal case grants; his teams must admit him
 * again, and whoever reset the key is his sponsor, who may not). Never silent. Sessions end; the old password is void.
 */
export async function discardStaffKey(tx: Tx, ctx: AppContext, userId: string, actorId: string | null) {
  const lost = await tx.delete(caseGrants).where(and(eq(caseGrants.recipientType, "staff"), eq(caseGrants.recipientId, userId))).returning({ caseId: caseGrants.caseId });
  await tx.update(teamMembers).set({ sealedKey: null, keyVersion: null, sponsorId: actorId }).where(and(eq(teamMembers.userId, userId), eq(teamMembers.custodian, false)));
  await tx.delete(staffKeys).where(eq(staffKeys.userId, userId));
  await endAllSessions(tx, userId);
  await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.key_lost", subjectType: "staff", subjectId: userId, details: { personalGrantsLost: lost.length } });
  return { personalGrantsLost: lost.length };
}

/** CLI: discard the key and set a new password and key pair at once. */
export async function resetStaffKeyWithLoss(ctx: AppContext, username: string, newPassword: string) {
  const [user] = await ctx.db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
  if (!user) throw new AppError("not_found", "no such staff member");
  assertStrongPassword(newPassword, "password", [user.username, user.displayName]);
  const passwordHash = await hashStaffPassword(ctx.keys, newPassword);
  return ctx.db.transaction(async (tx) => {
    const { personalGrantsLost } = await discardStaffKey(tx, ctx, user.id, null);
    const keys = await createStaffKeys(tx, ctx.keys, user.id, newPassword);
    wipe(keys.keyPair.privateKey);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    return { recoveryKey: keys.recoveryKey, personalGrantsLost };
  });
}

/**
 * Console: an admin discards someone's key (after the console's warning) and gets a one-time
 * link for that person to set a new password, key pair and TOTP.
 */
export async function resetStaffKeyByAdmin(ctx: AppContext, actorId: string, userId: string) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError("not_found", "no such staff member");
  const token = randomToken();
  const expiresAt = new Date(ctx.now().getTime() + 72 * 3600_000);
  const r = await ctx.db.transaction(async (tx) => {
    const lost = await discardStaffKey(tx, ctx, user.id, actorId);
    // The old password must not work any more: it would sign in to an account without a key.
    await tx.update(users).set({ passwordHash: await hashStaffPassword(ctx.keys, randomToken()) }).where(eq(users.id, user.id));
    await tx.insert(setupTokens).values({ tokenHash: hashToken(token), purpose: "rekey", role: user.role, username: user.username, createdBy: actorId, expiresAt });
    return lost;
  });
  return { link: setupLinkUrl(ctx.config.staffUrl, token), expiresAt, personalGrantsLost: r.personalGrantsLost };
}
