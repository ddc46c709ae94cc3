import { and, eq, gt, inArray, or } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { blindIndexes, caseSections, cases } from "../db/schema.js";
import { registerGuard } from "../cases/index.js";
import { IDENTITY_KINDS, watchlistHits } from "./risk.js";
import { verificationCases } from "./tables.js";
import type { RecheckReason } from "../../shared/verification.js";


/** The identities of the case and of the cases merged into it (the same person), as "kind:value" blind indexes. */
export async function identitiesOf(db: Pick<Db, "select">, caseId: string): Promise<string[]> {
  const merged = db.select({ id: cases.id }).from(cases).where(eq(cases.mergedInto, caseId));
  const rows = await db.select({ kind: blindIndexes.kind, value: blindIndexes.value }).from(blindIndexes).where(and(or(eq(blindIndexes.caseId, caseId), inArray(blindIndexes.caseId, merged)), inArray(blindIndexes.kind, [...IDENTITY_KINDS])));
  return [...new Set(rows.map((r) => `${r.kind}:${r.value}`))].sort();
}

/**
 * What contradicts a "verified" verdict since it was given: the identity or contact written
 * again, an identity the verdict did not see (a new channel, a merged request), a watchlist
 * entry listed after it that matches. Worked out from the store each time it is asked, so no
 * write path (section edit, merge, intake, a provocation elsewhere) has to remember to flag it.
 */
export async function recheckReasons(db: Pick<Db, "select">, caseId: string): Promise<RecheckReason[]> {
  const [v] = await db.select({ outcome: verificationCases.outcome, decidedAt: verificationCases.decidedAt, seen: verificationCases.verifiedIdentities }).from(verificationCases).where(eq(verificationCases.caseId, caseId));
  if (v?.outcome !== "verified" || !v.decidedAt) return [];
  const reasons: RecheckReason[] = [];
  const [edited] = await db.select({ s: caseSections.section }).from(caseSections).where(and(eq(caseSections.caseId, caseId), inArray(caseSections.section, ["identity", "contact"]), gt(caseSections.updatedAt, v.decidedAt))).limit(1);
  if (edited) reasons.push("identity_changed");
  const seen = new Set(v.seen ?? []);
  if ((await identitiesOf(db, caseId)).some((i) => !seen.has(i))) reasons.push("new_identity");
  if ((await watchlistHits(db, caseId)).some((h) => h.createdAt > v.decidedAt!)) reasons.push("watchlist_hit");
  return reasons;
}

/** At a "verified" verdict: what it was given on. */
export async function rememberVerifiedIdentities(tx: Tx, caseId: string) {
  await tx.update(verificationCases).set({ verifiedIdentities: await identitiesOf(tx, caseId) }).where(eq(verificationCases.caseId, caseId));
}

// No handover is planned for a case whose verdict new information contradicts: it is verified again first.
registerGuard({ to: "planning" }, "verification: re-check", async (m) => {
  const reasons = await recheckReasons(m.tx, m.caseId);
  return reasons.length ? `this case must be verified again before a handover is planned (${reasons.join(", ")})` : null;
});
