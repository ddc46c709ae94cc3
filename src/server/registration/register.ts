import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { caseScope } from "../cases/index.js";
import { cases } from "../db/schema.js";
import type { CaseState } from "../../shared/case-states.js";
import { powCards, powRecords } from "./tables.js";
import { presentCard } from "./present.js";

/** The states in which a case is the registrar's work: handed over (to register), registered, closed after. */
export const REGISTER_STATES: CaseState[] = ["handed_over", "registered_pow", "closed"];

/**
 * The register: cases in the registrar's scope that are his work, by state, with the Art. 17
 * status and the next card owed. Searched by case number; names are encrypted and stay in the
 * record. Nothing here names a person, and his choice is not part of it.
 */
export async function listRegister(ctx: AppContext, session: StaffSession, filter: { state?: CaseState | undefined; number?: number | undefined; cards?: "due" | "overdue" | undefined }) {
  authorize(session.user, "pow_registration", "read");
  const scope = caseScope(session.user, { resource: "pow_registration", action: "read" });
  const rows = await ctx.db
    .select({ caseId: cases.id, number: cases.number, state: cases.state, art17Complete: powRecords.art17Complete, registeredAt: powRecords.registeredAt })
    .from(cases)
    .leftJoin(powRecords, eq(powRecords.caseId, cases.id))
    .where(and(inArray(cases.state, filter.state ? [filter.state] : REGISTER_STATES), filter.number ? eq(cases.number, filter.number) : undefined, scope ?? sql`true`))
    .orderBy(desc(cases.updatedAt))
    .limit(200);
  const ids = rows.map((r) => r.caseId);
  const open = ids.length ? await ctx.db.select().from(powCards).where(and(inArray(powCards.caseId, ids), isNull(powCards.issuedAt))).orderBy(asc(powCards.dueAt)) : [];
  const now = ctx.now();
  const entries = rows.map((r) => {
    const card = open.find((c) => c.caseId === r.caseId);
    return { caseId: r.caseId, number: r.number, state: r.state as CaseState, art17Complete: r.art17Complete ?? false, registeredAt: r.registeredAt?.toISOString() ?? null, nextCard: card ? presentCard(card, now) : null };
  });
  return filter.cards ? entries.filter((e) => e.nextCard?.status === filter.cards) : entries;
}
