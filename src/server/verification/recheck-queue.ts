import { and, desc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases } from "../db/schema.js";
import { caseScope } from "../cases/index.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { recheckReasons } from "./recheck.js";
import { verificationCases } from "./tables.js";

/** The states a "verified" verdict still stands in, before a handover is planned (the guard stops it there). */
const STANDING = ["verified", "awaiting_deployment"] as const;

/** How many of the latest verdicts are looked at: each is worked out from the store (recheck.ts). */
const LOOKED_AT = 500;

/**
 * The verifiers' list of cases due for a re-check: verified cases whose verdict new information
 * contradicts (recheck.ts), whichever team holds them now, as the coordinators usually do:
 * number, state, team, what changed, when it was verified; nothing identifying. `inScope` says
 * whether this verifier can open it (else it is handed back to verification first).
 */
export async function recheckQueue(ctx: AppContext, user: SessionUser) {
  authorize(user, "verification", "read");
  const rows = await ctx.db
    .select({ id: cases.id, number: cases.number, state: cases.state, teamId: cases.teamId, decidedAt: verificationCases.decidedAt })
    .from(verificationCases)
    .innerJoin(cases, eq(cases.id, verificationCases.caseId))
    .where(and(eq(verificationCases.outcome, "verified"), inArray(cases.state, [...STANDING])))
    .orderBy(desc(verificationCases.decidedAt))
    .limit(LOOKED_AT);
  const scope = caseScope(user, { resource: "verification", action: "read" });
  const ids = rows.map((r) => r.id);
  const visible = new Set(ids.length ? (await ctx.db.select({ id: cases.id }).from(cases).where(and(inArray(cases.id, ids), ...(scope ? [scope] : [])))).map((r) => r.id) : []);
  const due = [];
  for (const r of rows) {
    const reasons = await recheckReasons(ctx.db, r.id);
    if (reasons.length) due.push({ caseId: r.id, number: r.number, state: r.state, teamId: r.teamId, reasons, verifiedAt: r.decidedAt?.toISOString() ?? null, inScope: visible.has(r.id) });
  }
  return due;
}
