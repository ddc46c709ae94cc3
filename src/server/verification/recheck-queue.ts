import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases } from "../db/schema.js";
import { caseScope } from "../cases/index.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import type { RechecksQuery } from "../../shared/api/verification.js";
import { reasonsOf, recheckConditions } from "./recheck.js";
import { verificationCases } from "./tables.js";

/** The states a "verified" verdict still stands in, before a handover is planned (the guard stops it there). */
const STANDING = ["verified", "awaiting_deployment"] as const;

/**
 * The verifiers' list of cases due for a re-check: verified cases whose verdict new information
 * contradicts (recheck.ts), whichever team holds them now, as the coordinators usually do:
 * number, state, team, what changed, when it was verified; nothing identifying. `inScope` says
 * whether this verifier can open it (else it is handed back to verification first).
 *
 * One query however many verdicts stand: the store works out the reasons and the scope for every
 * row (recheckConditions), and returns one page of the cases that have any, the latest verdicts first.
 */
export async function recheckQueue(ctx: AppContext, user: SessionUser, page: RechecksQuery = {}) {
  authorize(user, "verification", "read");
  const c = recheckConditions(ctx.db);
  const scope = caseScope(user, { resource: "verification", action: "read" });
  const rows = await ctx.db
    .select({
      id: cases.id,
      number: cases.number,
      state: cases.state,
      teamId: cases.teamId,
      decidedAt: verificationCases.decidedAt,
      // SQL's three values: a case assigned to nobody leaves one arm of the scope unknown, not false.
      inScope: sql<boolean>`COALESCE((${scope ?? sql`true`}), false)`,
      identity_changed: sql<boolean>`${c.identity_changed}`,
      new_identity: sql<boolean>`${c.new_identity}`,
      watchlist_hit: sql<boolean>`${c.watchlist_hit}`,
    })
    .from(verificationCases)
    .innerJoin(cases, eq(cases.id, verificationCases.caseId))
    .where(and(eq(verificationCases.outcome, "verified"), sql`${verificationCases.decidedAt} IS NOT NULL`, inArray(cases.state, [...STANDING]), or(c.identity_changed, c.new_identity, c.watchlist_hit)))
    .orderBy(desc(verificationCases.decidedAt), cases.id)
    .limit(page.limit ?? RECHECK_PAGE)
    .offset(page.offset ?? 0);
  return rows.map((r) => ({ caseId: r.id, number: r.number, state: r.state, teamId: r.teamId, reasons: reasonsOf(r), verifiedAt: r.decidedAt?.toISOString() ?? null, inScope: r.inScope }));
}

/** A page of the list when none is asked for: the console shows the latest ones. */
export const RECHECK_PAGE = 100;
