import { and, eq, exists, inArray, or, sql } from "drizzle-orm";
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
  // One read for a whole list: waiting in verification, or a watchlist hit before any verdict.
  const hit = db
    .select({ one: sql`1` })
    .from(verificationWatchlist)
    .innerJoin(blindIndexes, sameIdentifier)
    .where(and(eq(blindIndexes.caseId, cases.id), activeEntryFor(cases.id)));
  const rows = await db
    .select({ id: cases.id })
    .from(cases)
    .where(and(inArray(cases.id, caseIds), or(eq(cases.state, "verifying"), and(inArray(cases.state, [...BEFORE_VERDICT]), exists(hit)))));
  return new Set(rows.map((r) => r.id));
});
