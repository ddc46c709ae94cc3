import { and, eq, gte, lt, sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { cases } from "../db/schema.js";
import { protect } from "../analytics/disclosure.js";
import { REPORT, claimScope } from "./access.js";
import { rewardClaims, rewardLedger } from "./tables.js";

/** One cell of the report; a suppressed one carries neither its count nor its amounts. */
export interface ReportRow {
  month: string;
  equipment: string;
  currency: string;
  claims: number | null;
  suppressed: boolean;
  approvedCents: number | null;
  paidCents: number | null;
}

const monthStart = (d: string) => `${d.slice(0, 7)}-01T00:00:00Z`;
const nextMonthStart = (d: string) => {
  const [y, m] = d.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString();
};

/**
 * Totals approved and paid by equipment type and month of the ledger entry: no case, no person,
 * no claim id. Summed from the ledger over the claims this person may see, so a secret claim
 * counts only for the officers on it and leaves no trace in anyone else's totals.
 *
 * A cell of fewer claims than REWARDS_REPORT_MIN_CELL is shown only as "fewer than" with no
 * amounts (the analytics rule, `protect`, without rounding: these are internal money figures):
 * the one helicopter of a month is one pilot. The range is widened to whole months, since a cell
 * read for the whole month and again for half of it would give the other half by subtraction.
 */
export async function rewardsReport(ctx: AppContext, session: StaffSession, range: { from?: string | undefined; to?: string | undefined }): Promise<ReportRow[]> {
  authorize(session.user, REPORT.resource, REPORT.action);
  const month = sql<string>`to_char(${rewardLedger.at} AT TIME ZONE 'UTC', 'YYYY-MM')`;
  const rows = await ctx.db
    .select({
      month,
      equipment: rewardClaims.equipmentCode,
      currency: rewardLedger.currency,
      claims: sql<string>`count(distinct ${rewardLedger.claimId})`,
      approved: sql<string>`sum(case when ${rewardLedger.kind} in ('approval', 'correction') then ${rewardLedger.amountCents} else 0 end)`,
      paid: sql<string>`sum(case ${rewardLedger.kind} when 'payment' then ${rewardLedger.amountCents} when 'reversal' then -${rewardLedger.amountCents} else 0 end)`,
    })
    .from(rewardLedger)
    .innerJoin(rewardClaims, eq(rewardClaims.id, rewardLedger.claimId))
    .innerJoin(cases, eq(cases.id, rewardClaims.caseId))
    .where(and(claimScope(session.user, REPORT), range.from ? gte(rewardLedger.at, monthStart(range.from)) : sql`true`, range.to ? lt(rewardLedger.at, nextMonthStart(range.to)) : sql`true`))
    .groupBy(month, rewardClaims.equipmentCode, rewardLedger.currency)
    .orderBy(month, rewardClaims.equipmentCode);
  const threshold = ctx.config.rewardsReportMinCell;
  return rows.map((r) => {
    const cell = protect(Number(r.claims), { threshold, base: 1 });
    const cells = "fewer" in cell ? { claims: null, suppressed: true, approvedCents: null, paidCents: null } : { claims: cell.value, suppressed: false, approvedCents: Number(r.approved), paidCents: Number(r.paid) };
    return { month: r.month, equipment: r.equipment, currency: r.currency, ...cells };
  });
}

/** The same as CSV, amounts in whole currency units with cents (what a spreadsheet sums); a suppressed cell reads "<k" and has no amounts. */
export function reportCsv(rows: ReportRow[], threshold: number): string {
  const money = (c: number | null) => (c === null ? "" : (c / 100).toFixed(2));
  return stringify(
    rows.map((r) => [r.month, r.equipment, r.currency, r.suppressed ? `<${threshold}` : String(r.claims), money(r.approvedCents), money(r.paidCents)]),
    { header: true, columns: ["month", "equipment", "currency", "claims", "approved", "paid"] },
  );
}
