import { and, eq, exists, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { blindIndexes, caseSections, cases } from "../db/schema.js";
import { registerGuard } from "../cases/index.js";
import { IDENTITY_KINDS } from "./risk.js";
import { verificationCases, verificationWatchlist } from "./tables.js";
import { activeEntryFor, sameIdentifier } from "./watchlist-match.js";
import { RECHECK_REASONS, type RecheckReason } from "../../shared/verification.js";

/** The identities of the case and of the cases merged into it (the same person), as "kind:value" blind indexes. */
export async function identitiesOf(db: Pick<Db, "select">, caseId: string): Promise<string[]> {
  const merged = db.select({ id: cases.id }).from(cases).where(eq(cases.mergedInto, caseId));
  const rows = await db.select({ kind: blindIndexes.kind, value: blindIndexes.value }).from(blindIndexes).where(and(or(eq(blindIndexes.caseId, caseId), inArray(blindIndexes.caseId, merged)), inArray(blindIndexes.kind, [...IDENTITY_KINDS])));
  return [...new Set(rows.map((r) => `${r.kind}:${r.value}`))].sort();
}

const mergedCase = alias(cases, "merged_case");

/**
 * What contradicts a "verified" verdict since it was given, as conditions on a verification_cases
 * row of the outer query: the identity or contact written again, an identity the verdict did not
 * see (a new channel, a merged request), a watchlist entry listed after it that matches. Worked
 * out from the store each time it is asked, so no write path (section edit, merge, intake, a
 * provocation elsewhere) has to remember to flag it; and as SQL, so one case's panel and the
 * verifiers' whole list ask the same rule, the list in one query however long it is.
 */
export function recheckConditions(db: Pick<Db, "select">): Record<RecheckReason, SQL> {
  const caseId = verificationCases.caseId;
  const decidedAt = verificationCases.decidedAt;
  const one = { one: sql`1` };
  return {
    identity_changed: exists(db.select(one).from(caseSections).where(and(eq(caseSections.caseId, caseId), inArray(caseSections.section, ["identity", "contact"]), gt(caseSections.updatedAt, decidedAt)))),
    new_identity: exists(
      db
        .select(one)
        .from(blindIndexes)
        .where(
          and(
            or(eq(blindIndexes.caseId, caseId), inArray(blindIndexes.caseId, db.select({ id: mergedCase.id }).from(mergedCase).where(eq(mergedCase.mergedInto, caseId)))),
            inArray(blindIndexes.kind, [...IDENTITY_KINDS]),
            sql`NOT (COALESCE(${verificationCases.verifiedIdentities}, '[]'::jsonb) @> jsonb_build_array(${blindIndexes.kind} || ':' || ${blindIndexes.value}))`,
          ),
        ),
    ),
    watchlist_hit: exists(db.select(one).from(verificationWatchlist).innerJoin(blindIndexes, sameIdentifier).where(and(eq(blindIndexes.caseId, caseId), activeEntryFor(caseId), gt(verificationWatchlist.createdAt, decidedAt)))),
  };
}

/** The reasons that hold, in their fixed order, from a row of recheckConditions' answers. */
export const reasonsOf = (row: Record<RecheckReason, boolean>): RecheckReason[] => RECHECK_REASONS.filter((r) => row[r]);

/** One case's reasons for a re-check (none unless its verdict stands as "verified"): one query. */
export async function recheckReasons(db: Pick<Db, "select">, caseId: string): Promise<RecheckReason[]> {
  const c = recheckConditions(db);
  const [v] = await db
    .select({ identity_changed: sql<boolean>`${c.identity_changed}`, new_identity: sql<boolean>`${c.new_identity}`, watchlist_hit: sql<boolean>`${c.watchlist_hit}` })
    .from(verificationCases)
    .where(and(eq(verificationCases.caseId, caseId), eq(verificationCases.outcome, "verified"), sql`${verificationCases.decidedAt} IS NOT NULL`));
  return v ? reasonsOf(v) : [];
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
