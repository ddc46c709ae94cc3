import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import type { Tx } from "../audit/log.js";
import { AppError } from "../errors.js";
import { PAY_CLAIM, visibleClaim, withClaim, type ClaimRow } from "./access.js";
import { sealClaimField } from "./cipher.js";
import { auditClaim } from "./claims.js";
import { appendLedger, moneyOfOne, type ClaimMoney, type LedgerEntry } from "./ledger.js";

type Check = (claim: ClaimRow, money: ClaimMoney) => void;

/**
 * One money entry on an approved claim: the claim row is locked, the balance summed from the
 * ledger inside the same transaction, the rule checked, the entry appended. Two payments at once
 * therefore see each other, and neither can take the balance below zero.
 */
async function moneyEntry(ctx: AppContext, session: StaffSession, claimId: string, check: Check, entry: (claim: ClaimRow, caseKey: Buffer) => Omit<LedgerEntry, "claimId" | "currency" | "actorId">) {
  return withClaim(ctx, session, claimId, PAY_CLAIM, (_, caseKey) =>
    ctx.db.transaction(async (tx: Tx) => {
      const claim = await visibleClaim(tx, session.user, claimId, PAY_CLAIM, true);
      if (claim.state !== "approved") throw new AppError("conflict", "money moves only on a claim approved by two people");
      const money = await moneyOfOne(tx, claimId);
      check(claim, money);
      const e = entry(claim, caseKey);
      const seq = await appendLedger(tx, ctx.keys.subkey("ledger"), { ...e, claimId, currency: claim.currency, actorId: session.user.id }, ctx.now());
      await auditClaim(ctx, tx, session.user.id, `ledger_${e.kind}`, claim, { seq, amountCents: e.amountCents });
      return { seq };
    }),
  );
}

export function recordPayment(ctx: AppContext, session: StaffSession, claimId: string, p: { amountCents: number; method: string; reference: string; payee: Record<string, unknown> }) {
  return moneyEntry(
    ctx,
    session,
    claimId,
    (_, m) => {
      if (p.amountCents > m.approvedCents - m.paidCents) throw new AppError("conflict", `refused: the payment is larger than what remains of the approved amount (${m.approvedCents - m.paidCents} cents)`);
    },
    (claim, key) => ({ kind: "payment", amountCents: p.amountCents, method: p.method, reference: p.reference, payee: sealClaimField(key, claim, "payee", p.payee) }),
  );
}

export function recordReversal(ctx: AppContext, session: StaffSession, claimId: string, r: { amountCents: number; reference: string; reason: string }) {
  return moneyEntry(
    ctx,
    session,
    claimId,
    (_, m) => {
      if (r.amountCents > m.paidCents) throw new AppError("conflict", "a reversal cannot exceed what was paid");
    },
    (claim, key) => ({ kind: "reversal", amountCents: r.amountCents, reference: r.reference, note: sealClaimField(key, claim, "ledger_note", r.reason) }),
  );
}

/**
 * A correction lowers the approved amount (a mistake found after approval), never below what was
 * paid. Raising it is a change of the claim, which goes back through the three people.
 */
export function recordCorrection(ctx: AppContext, session: StaffSession, claimId: string, c: { deltaCents: number; reason: string }) {
  return moneyEntry(
    ctx,
    session,
    claimId,
    (_, m) => {
      if (c.deltaCents > 0) throw new AppError("conflict", "a correction only lowers the approved amount; a higher amount is a change of the claim, approved again");
      if (m.approvedCents + c.deltaCents < m.paidCents) throw new AppError("conflict", "the approved amount cannot go below what was paid");
    },
    (claim, key) => ({ kind: "correction", amountCents: c.deltaCents, note: sealClaimField(key, claim, "ledger_note", c.reason) }),
  );
}
