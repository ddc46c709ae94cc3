import { and, eq, inArray } from "drizzle-orm";
import { blindIndexes, cases } from "../db/schema.js";
import { registerCaseFlag } from "../cases/index.js";
import { verificationWatchlist } from "./tables.js";
import { activeEntryFor, sameIdentifier } from "./watchlist-match.js";

/** Before a verdict: a watchlist hit here means "do not take this one further without verification". */
const BEFORE_VERDICT = ["new", "in_contact", "preliminary"] as const;

/**
 * "Needs verification", for whoever lists or opens the case (the operator above all): the case
 * waits in verification, or it matched the watchlist before any verdict. A bare yes: the hit's
 * kind, reason and source, the checks and the reviews stay with the verifiers (policy:
 * verification.read), so a provocateur's own operator cannot tip him off about why.
 */
registerCaseFlag("needs_verification", async (db, caseIds) => {
  const waiting = await db.select({ id: cases.id }).from(cases).where(and(inArray(cases.id, caseIds), eq(cases.state, "verifying")));
  const hit = await db
    .select({ id: cases.id })
    .from(verificationWatchlist)
    .innerJoin(blindIndexes, sameIdentifier)
    .innerJoin(cases, eq(cases.id, blindIndexes.caseId))
    .where(and(inArray(blindIndexes.caseId, caseIds), inArray(cases.state, [...BEFORE_VERDICT]), activeEntryFor(cases.id)));
  return new Set([...waiting, ...hit].map((r) => r.id));
});
