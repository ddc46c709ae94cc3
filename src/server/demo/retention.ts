import { and, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { SessionUser } from "../auth/sessions.js";
import { cases } from "../db/schema.js";
import { placeHold, proposeRuleChange } from "../retention/index.js";

/**
 * Retention in the demo: two rejected requests held (one for an investigation, one at the
 * applicant's own request) and a longer period for closed conversations proposed by the second
 * administrator, waiting for the first one's approval.
 */
export async function loadDemoRetention(ctx: AppContext, staff: { admin: SessionUser; supervisor: SessionUser }): Promise<void> {
  const rejected = await ctx.db.select({ number: cases.number }).from(cases).where(and(eq(cases.state, "rejected"), isNull(cases.mergedInto))).orderBy(cases.number).limit(2);
  const reasons = ["investigation", "applicant_request"] as const;
  for (const [i, c] of rejected.entries()) await placeHold(ctx, staff.supervisor, c.number, reasons[i]!);
  await proposeRuleChange(ctx, staff.admin, { rule: "closed_messages", days: 730, enabled: true });
}
