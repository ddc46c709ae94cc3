import { and, eq, gte, lt, sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { cases } from "../db/schema.js";
import { REPORT, claimScope } from "./access.js";
import { rewardClaims, rewardLedger } from "./tables.js";

export interface ReportRow {
  month: string;
  equipment: string;
  currency: string;
  approvedCents: number;
  paidCents: number;
}

const nextDay = (d: string) => new Date(new Date(`${d}T00:00:00Z`).getTime() + 86_400_000);

/**
 * Totals approved and paid by equipment type and month of the ledger entry: no case, no person,
 * no claim id. Summed from the ledger over the claims this person may see, so a secret claim
 * counts only for the officers on it and leaves no trace in anyone else's totals.
 */
export async function rewardsReport(ctx: AppContext, session: StaffSession, range: { from?: string | undefined; to?: string | undefined }): Promise<ReportRow[]> {
  authorize(session.user, REPORT.resource, REPORT.action);
  const month = sql<string>`to_char(${rewardLedger.at} AT TIME ZONE 'UTC', 'YYYY-MM')`;
  const rows = await ctx.db
    .select({
      month,
      equipment: rewardClaims.equipmentCode,
      currency: rewardLedger.currency,
      approved: sql<string>`sum(case when ${rewardLedger.kind} in ('approval', 'correction') then ${rewardLedger.amountCents} else 0 end)`,
      paid: sql<string>`sum(case ${rewardLedger.kind} when 'payment' then ${rewardLedger.amountCents} when 'reversal' then -${rewardLedger.amountCents} else 0 end)`,
    })
    .from(rewardLedger)
    .innerJoin(rewardClaims, eq(rewardClaims.id, rewardLedger.claimId))
    .innerJoin(cases, eq(cases.id, rewardClaims.caseId))
    .where(and(claimScope(session.user, REPORT), range.from ? gte(rewardLedger.at, `${range.from}T00:00:00Z`) : sql`true`, range.to ? lt(rewardLedger.at, nextDay(range.to).toISOString()) : sql`true`))
    .groupBy(month, rewardClaims.equipmentCode, rewardLedger.currency)
    .orderBy(month, rewardClaims.equipmentCode);
  return rows.map((r) => ({ month: r.month, equipment: r.equipment, currency: r.currency, approvedCents: Number(r.approved), paidCents: Number(r.paid) }));
}

/** The same as CSV, amounts in whole currency units with cents (what a spreadsheet sums). */
export function reportCsv(rows: ReportRow[]): string {
  const money = (c: number) => (c / 100).toFixed(2);
  return stringify(
    rows.map((r) => [r.month, r.equipment, r.currency, money(r.approvedCents), money(r.paidCents)]),
    { header: true, columns: ["month", "equipment", "currency", "approved", "paid"] },
  );
}
