import { and, eq, or, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { SessionUser, StaffSession } from "../auth/sessions.js";
import { caseScope, withCaseKey, type CaseAccess } from "../cases/index.js";
import { cases } from "../db/schema.js";
import { authorize } from "../policy.js";
import { notFound } from "../errors.js";
import { rewardClaimOfficers, rewardClaims } from "./tables.js";

export const READ_CLAIM = { resource: "reward_claim", action: "read" } as const satisfies CaseAccess;
export const ASSESS_CLAIM = { resource: "reward_claim", action: "assess" } as const satisfies CaseAccess;
export const APPROVE_CLAIM = { resource: "reward_claim", action: "approve" } as const satisfies CaseAccess;
export const PAY_CLAIM = { resource: "reward_ledger", action: "pay" } as const satisfies CaseAccess;
export const REPORT = { resource: "reward_ledger", action: "report" } as const satisfies CaseAccess;

/**
 * Which claims a staff member sees, as one SQL condition over reward_claims joined to cases: the
 * case scope of the access, and for a secret claim (the secrecy the law promises) only the reward
 * officers named on it. Used by every list, the report and each single read, so a secret claim is
 * simply not there for anyone else.
 */
export function claimScope(user: SessionUser, access: CaseAccess): SQL {
  const scope = caseScope(user, access);
  const onIt = sql`${rewardClaims.id} IN (SELECT ${rewardClaimOfficers.claimId} FROM ${rewardClaimOfficers} WHERE ${rewardClaimOfficers.userId} = ${user.id})`;
  return and(scope ?? sql`true`, or(eq(rewardClaims.secret, false), onIt))!;
}

export type ClaimRow = typeof rewardClaims.$inferSelect;

/** The claim if this user may see it for `access` (locked for update inside a transaction when asked); otherwise not found. */
export async function visibleClaim(db: Tx, user: SessionUser, claimId: string, access: CaseAccess, lock = false): Promise<ClaimRow> {
  const q = db.select({ claim: rewardClaims }).from(rewardClaims).innerJoin(cases, eq(cases.id, rewardClaims.caseId)).where(and(eq(rewardClaims.id, claimId), claimScope(user, access)));
  const [row] = lock ? await q.for("update", { of: rewardClaims }) : await q;
  if (!row) throw notFound("no such claim");
  return row.claim;
}

/** Run `fn` with the claim (visible for `access`) and its case key, which is wiped afterwards. */
export async function withClaim<T>(ctx: AppContext, session: StaffSession, claimId: string, access: CaseAccess, fn: (claim: ClaimRow, caseKey: Buffer, caseRow: typeof cases.$inferSelect) => Promise<T>): Promise<T> {
  authorize(session.user, access.resource, access.action as never);
  const claim = await visibleClaim(ctx.db, session.user, claimId, access);
  return withCaseKey(ctx, session, claim.caseId, (caseKey, row) => fn(claim, caseKey, row), access);
}
