import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { appendAudit } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { withCaseKey } from "../cases/index.js";
import { auditLog, users } from "../db/schema.js";
import { operationIdsOfCase } from "./case-operations.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import type { ClaimChange, ClaimCreate } from "../../shared/rewards.js";
import { ASSESS_CLAIM, visibleClaim, withClaim, type ClaimRow } from "./access.js";
import { sealClaimField } from "./cipher.js";
import { appendLedger, moneyOfOne } from "./ledger.js";
import { itemOf, versionInForce } from "./schedule.js";
import { rewardClaimOfficers, rewardClaims } from "./tables.js";

/** What a secret claim's audit rows leave out: what was brought over and what it was worth. */
const REVEALING = new Set(["code", "amountCents"]);

/**
 * Claim actions go to the audit log by ids and codes only: never a serial number, never a payee.
 * A secret claim's rows carry neither its equipment nor an amount (they outlive the claim, and a
 * purge would show them), and the log hides them from readers not on it (auditHidingOfSecretClaims).
 */
export async function auditClaim(ctx: AppContext, tx: Tx, actorId: string, action: string, claim: Pick<ClaimRow, "id" | "secret">, details: Record<string, string | number | boolean | null> = {}) {
  // Every caller holds the claim row already (the secret flag never changes after creation), so it is passed, not read again.
  const kept = claim.secret ? Object.fromEntries(Object.entries(details).filter(([k]) => !REVEALING.has(k))) : details;
  await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: `reward.${action}`, subjectType: "reward_claim", subjectId: claim.id, details: kept });
}

/** The audit log's hiding rule for rewards: a secret claim's rows, from everyone not named on it. */
export const auditHidingOfSecretClaims = (viewerId: string) =>
  sql`(${auditLog.subjectType} = 'reward_claim' AND ${auditLog.subjectId} IN (SELECT ${rewardClaims.id}::text FROM ${rewardClaims} WHERE ${rewardClaims.secret} AND NOT EXISTS (SELECT 1 FROM ${rewardClaimOfficers} WHERE ${rewardClaimOfficers.claimId} = ${rewardClaims.id} AND ${rewardClaimOfficers.userId} = ${viewerId})))`;

function notFuture(ctx: AppContext, day: string) {
  if (day > ctx.now().toISOString().slice(0, 10)) throw new AppError("validation_failed", "the handover day cannot be in the future", [{ path: "handedOverOn", message: "in the future" }]);
}

/**
 * A claim for one piece of equipment brought over, on a case the officer may work on. The type is
 * checked against the schedule in force on the handover day, whose version the claim keeps; a
 * secret claim starts with its creator as the one officer on it.
 */
export async function createClaim(ctx: AppContext, session: StaffSession, input: ClaimCreate) {
  authorize(session.user, ASSESS_CLAIM.resource, ASSESS_CLAIM.action);
  notFuture(ctx, input.handedOverOn);
  return withCaseKey(
    ctx,
    session,
    input.caseId,
    async (caseKey) => {
      const version = await versionInForce(ctx.db, input.handedOverOn);
      itemOf(version, input.equipmentCode);
      // The operation must be one this case was on: an id of another case's operation would tie the
      // reward to a crossing it had no part in (and tell the officer that operation exists).
      if (input.operationId && !(await operationIdsOfCase(ctx.db, input.caseId, caseKey)).includes(input.operationId)) throw new AppError("validation_failed", "this case was not on that operation", [{ path: "operationId", message: "not an operation of this case" }]);
      const id = randomUUID();
      const claim = { id, caseId: input.caseId };
      await ctx.db.transaction(async (tx) => {
        await tx.insert(rewardClaims).values({ ...claim, operationId: input.operationId ?? null, scheduleId: version.id, equipmentCode: input.equipmentCode, handedOverOn: input.handedOverOn, state: "inspection", secret: input.secret, identifying: sealClaimField(caseKey, claim, "identifying", input.identifying), currency: version.currency, createdBy: session.user.id, createdAt: ctx.now(), updatedAt: ctx.now() });
        if (input.secret) await tx.insert(rewardClaimOfficers).values({ claimId: id, userId: session.user.id });
        await auditClaim(ctx, tx, session.user.id, "claim_created", { id, secret: input.secret }, { code: input.equipmentCode });
      });
      return { id };
    },
    ASSESS_CLAIM,
  );
}

/** Take back an approval given, on the ledger: a correction of the whole approved amount. */
export async function voidApproval(ctx: AppContext, tx: Tx, claim: ClaimRow, actorId: string) {
  const money = await moneyOfOne(tx, claim.id);
  if (money.paidCents > 0) throw new AppError("conflict", "money was paid on this claim: reverse the payments first");
  if (money.approvedCents !== 0) await appendLedger(tx, ctx.keys.subkey("ledger"), { claimId: claim.id, kind: "correction", amountCents: -money.approvedCents, currency: claim.currency, actorId }, ctx.now());
}

const VOIDED = { state: "inspection", assessedBy: null, firstApprovedBy: null, secondApprovedBy: null, amountCents: null, amountReason: null } as const;

/**
 * Change a claim (type, handover day, identifying details, inspection). Any change to an assessed
 * or approved claim voids its assessment and approvals (the approved amount is corrected to zero
 * on the ledger): three people approve what is there now, not what was there before. A new type
 * or day is priced again by the schedule in force on the (new) handover day.
 */
export async function changeClaim(ctx: AppContext, session: StaffSession, claimId: string, change: ClaimChange) {
  return withClaim(ctx, session, claimId, ASSESS_CLAIM, async (_, caseKey) => {
    if (change.handedOverOn) notFuture(ctx, change.handedOverOn);
    await ctx.db.transaction(async (tx) => {
      const claim = await visibleClaim(tx, session.user, claimId, ASSESS_CLAIM, true);
      if (claim.state === "rejected") throw new AppError("conflict", "this claim was rejected");
      const set: Partial<typeof rewardClaims.$inferInsert> = { updatedAt: ctx.now(), version: sql`${rewardClaims.version} + 1` as never };
      if (change.equipmentCode || change.handedOverOn) {
        const version = await versionInForce(tx, change.handedOverOn ?? claim.handedOverOn);
        itemOf(version, change.equipmentCode ?? claim.equipmentCode);
        Object.assign(set, { scheduleId: version.id, currency: version.currency, equipmentCode: change.equipmentCode ?? claim.equipmentCode, handedOverOn: change.handedOverOn ?? claim.handedOverOn });
      }
      if (change.identifying) set.identifying = sealClaimField(caseKey, claim, "identifying", change.identifying);
      if (change.inspection) Object.assign(set, { serviceability: change.inspection.serviceability, inspectedOn: change.inspection.inspectedOn, findings: change.inspection.findings ? sealClaimField(caseKey, claim, "findings", change.inspection.findings) : null });
      const voided = claim.state !== "inspection";
      if (voided) {
        await voidApproval(ctx, tx, claim, session.user.id);
        Object.assign(set, VOIDED);
      }
      await tx.update(rewardClaims).set(set).where(eq(rewardClaims.id, claimId));
      await auditClaim(ctx, tx, session.user.id, "claim_changed", claim, { fields: Object.keys(change).sort().join(","), voided });
    });
  });
}

/** Name another reward officer on a secret claim (only someone already on it can). */
export async function addOfficer(ctx: AppContext, session: StaffSession, claimId: string, userId: string) {
  authorize(session.user, ASSESS_CLAIM.resource, ASSESS_CLAIM.action);
  await ctx.db.transaction(async (tx) => {
    const claim = await visibleClaim(tx, session.user, claimId, { resource: "reward_claim", action: "read" });
    if (!claim.secret) throw new AppError("conflict", "only a secret claim has a list of officers");
    const [u] = await tx.select({ role: users.role, disabled: users.disabledAt }).from(users).where(eq(users.id, userId));
    if (!u || u.role !== "reward_officer" || u.disabled) throw new AppError("validation_failed", "not an active reward officer", [{ path: "userId", message: "not a reward officer" }]);
    await tx.insert(rewardClaimOfficers).values({ claimId, userId }).onConflictDoNothing();
    await auditClaim(ctx, tx, session.user.id, "officer_added", claim, { userId });
  });
}
