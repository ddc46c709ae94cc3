import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { authorize } from "../policy.js";
import { APPROVE_CLAIM, ASSESS_CLAIM, visibleClaim, withClaim } from "./access.js";
import { sealClaimField } from "./cipher.js";
import { auditClaim, voidApproval } from "./claims.js";
import { appendLedger } from "./ledger.js";
import { amountFor, itemOf } from "./schedule.js";
import { rewardClaims, rewardSchedules } from "./tables.js";

/**
 * The assessor fixes the amount from the claim's schedule version: a fixed row gives its amount,
 * a range takes his choice within it and his reason. The law pays for serviceable equipment, so
 * an inspection must be recorded, and a machine found not serviceable is rejected, not assessed.
 */
export async function assessClaim(ctx: AppContext, session: StaffSession, claimId: string, input: { amount?: number | undefined; reason?: string | undefined }) {
  return withClaim(ctx, session, claimId, ASSESS_CLAIM, (_, caseKey) =>
    ctx.db.transaction(async (tx) => {
      const claim = await visibleClaim(tx, session.user, claimId, ASSESS_CLAIM, true);
      if (claim.state !== "inspection") throw new AppError("conflict", "only a claim under inspection is assessed");
      if (!claim.serviceability) throw new AppError("conflict", "record the inspection first");
      if (claim.serviceability === "not_serviceable") throw new AppError("conflict", "the law pays for serviceable equipment: reject this claim with a reason");
      const [version] = await tx.select().from(rewardSchedules).where(eq(rewardSchedules.id, claim.scheduleId));
      const item = itemOf(version!, claim.equipmentCode);
      const amountCents = amountFor(item, input);
      const ranged = item.min !== item.max;
      await tx
        .update(rewardClaims)
        .set({ state: "assessed", amountCents, amountReason: ranged ? sealClaimField(caseKey, claim, "amount_reason", input.reason) : null, assessedBy: session.user.id, updatedAt: ctx.now() })
        .where(eq(rewardClaims.id, claimId));
      await auditClaim(ctx, tx, session.user.id, "claim_assessed", claim, { amountCents, ranged });
      return { amountCents, currency: claim.currency };
    }),
  );
}

/**
 * An approval. The assessor, the first approver and the second approver are three different
 * people: the command checks it against the claim itself, whatever roles they hold. The second
 * approval writes the approved amount to the ledger.
 */
export async function approveClaim(ctx: AppContext, session: StaffSession, claimId: string) {
  authorize(session.user, APPROVE_CLAIM.resource, APPROVE_CLAIM.action);
  const me = session.user.id;
  return ctx.db.transaction(async (tx) => {
    const claim = await visibleClaim(tx, session.user, claimId, APPROVE_CLAIM, true);
    if (claim.state !== "assessed" && claim.state !== "first_approved") throw new AppError("conflict", "only an assessed claim is approved");
    // `rule` lets the console say which of the three-people rules refused him, not just "forbidden".
    if (claim.assessedBy === me) throw new AppError("forbidden", "the assessor cannot approve his own assessment", { rule: "assessor_approves" });
    if (claim.state === "assessed") {
      await tx.update(rewardClaims).set({ state: "first_approved", firstApprovedBy: me, updatedAt: ctx.now() }).where(eq(rewardClaims.id, claimId));
      await auditClaim(ctx, tx, me, "claim_first_approved", claim);
      return { state: "first_approved" as const };
    }
    if (claim.firstApprovedBy === me) throw new AppError("forbidden", "the second approval is someone else's than the first", { rule: "same_approver" });
    await tx.update(rewardClaims).set({ state: "approved", secondApprovedBy: me, updatedAt: ctx.now() }).where(eq(rewardClaims.id, claimId));
    await appendLedger(tx, ctx.keys.subkey("ledger"), { claimId, kind: "approval", amountCents: claim.amountCents!, currency: claim.currency, actorId: me }, ctx.now());
    await auditClaim(ctx, tx, me, "claim_approved", claim, { amountCents: claim.amountCents! });
    return { state: "approved" as const };
  });
}

/** Rejection, with a reason (encrypted); an approved claim with nothing paid has its approval taken back on the ledger. */
export async function rejectClaim(ctx: AppContext, session: StaffSession, claimId: string, reason: string) {
  return withClaim(ctx, session, claimId, APPROVE_CLAIM, (_, caseKey) =>
    ctx.db.transaction(async (tx) => {
      const claim = await visibleClaim(tx, session.user, claimId, APPROVE_CLAIM, true);
      if (claim.state === "rejected") throw new AppError("conflict", "already rejected");
      await voidApproval(ctx, tx, claim, session.user.id);
      await tx.update(rewardClaims).set({ state: "rejected", rejectedBy: session.user.id, rejectionReason: sealClaimField(caseKey, claim, "rejection_reason", reason), updatedAt: ctx.now() }).where(eq(rewardClaims.id, claimId));
      await auditClaim(ctx, tx, session.user.id, "claim_rejected", claim, { from: claim.state });
    }),
  );
}
