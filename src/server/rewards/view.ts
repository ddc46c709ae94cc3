import { and, desc, eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { cases } from "../db/schema.js";
import type { ClaimState } from "../../shared/rewards.js";
import { READ_CLAIM, claimScope, withClaim, type ClaimRow } from "./access.js";
import { openClaimField } from "./cipher.js";
import { ledgerOf, moneyOf, type ClaimMoney } from "./ledger.js";
import { rewardClaims } from "./tables.js";
import { auditClaim } from "./claims.js";
import { operationOfClaim } from "./case-operations.js";

/** "paid" is not stored: an approved claim whose ledger balance is zero with money paid. */
export function stateOf(claim: ClaimRow, money: ClaimMoney): ClaimState {
  if (claim.state === "approved" && money.paidCents > 0 && money.paidCents >= money.approvedCents) return "paid";
  return claim.state as ClaimState;
}

const NO_MONEY: ClaimMoney = { approvedCents: 0, paidCents: 0 };

/** The claims this person sees (secret ones only for the officers on them), newest first, with their money. */
export async function listClaims(ctx: AppContext, session: StaffSession, filter: { caseId?: string | undefined; state?: ClaimState | undefined }) {
  authorize(session.user, READ_CLAIM.resource, READ_CLAIM.action);
  const rows = await ctx.db
    .select({ claim: rewardClaims, caseNumber: cases.number })
    .from(rewardClaims)
    .innerJoin(cases, eq(cases.id, rewardClaims.caseId))
    .where(and(claimScope(session.user, READ_CLAIM), filter.caseId ? eq(rewardClaims.caseId, filter.caseId) : sql`true`))
    .orderBy(desc(rewardClaims.createdAt))
    .limit(200);
  const money = await moneyOf(ctx.db, rows.map((r) => r.claim.id));
  return rows
    .map((r) => ({ ...r, money: money.get(r.claim.id) ?? NO_MONEY }))
    .map((r) => ({ ...r, state: stateOf(r.claim, r.money) }))
    .filter((r) => !filter.state || r.state === filter.state);
}

/** One claim opened for its reader: the encrypted details, the inspection, the ledger with payees. Audited. */
export async function readClaim(ctx: AppContext, session: StaffSession, claimId: string) {
  return withClaim(ctx, session, claimId, READ_CLAIM, async (claim, caseKey, caseRow) => {
    const entries = await ledgerOf(ctx.db, claim.id);
    const money = (await moneyOf(ctx.db, [claim.id])).get(claim.id) ?? NO_MONEY;
    const operation = await operationOfClaim(ctx.db, claim.operationId);
    await ctx.db.transaction((tx) => auditClaim(ctx, tx, session.user.id, "claim_read", claim));
    return {
      claim,
      caseNumber: caseRow.number,
      state: stateOf(claim, money),
      money,
      operation,
      identifying: openClaimField<Record<string, string>>(caseKey, claim, "identifying", claim.identifying) ?? {},
      findings: openClaimField<string>(caseKey, claim, "findings", claim.findings),
      amountReason: openClaimField<string>(caseKey, claim, "amount_reason", claim.amountReason),
      rejectionReason: openClaimField<string>(caseKey, claim, "rejection_reason", claim.rejectionReason),
      ledger: entries.map((e) => ({ ...e, payee: openClaimField<Record<string, string>>(caseKey, claim, "payee", e.payee), note: openClaimField<string>(caseKey, claim, "ledger_note", e.note) })),
    };
  });
}
