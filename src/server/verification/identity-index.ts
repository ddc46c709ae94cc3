import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { blindIndexes, caseSections } from "../db/schema.js";
import { blindIndexAsync, nameBirthValue } from "../crypto/blind-index.js";
import { blindIndexRows, readSections } from "../cases/index.js";
import type { Role } from "../../shared/roles.js";
import { DRIFT_KINDS } from "../../shared/verification.js";

/**
 * Index the identity a case's staff wrote down (name, date of birth, service number) for the
 * watchlist, as blind indexes on the case: intake indexes only what the channel gave, and the
 * name and date of birth are often typed in later by the operator. The name and the date go in
 * as one "name_birth" index too, so a watchlist entry matches the person, not every namesake.
 * Called by whoever holds the case key when verification needs it (hand-over, a provocation).
 * Rows are only ever added (an earlier value stays): identity drift counts them (risk.ts).
 */
export async function indexWrittenIdentity(ctx: AppContext, tx: Tx, caseId: string, caseKey: Buffer, role: Role, kinds?: readonly string[]) {
  const identity = (await readSections(tx, caseId, caseKey, role)).identity ?? {};
  const text = (k: string) => (typeof identity[k] === "string" && identity[k] ? (identity[k] as string) : undefined);
  const name = text("name");
  const birth = text("birth_date");
  const rows = await blindIndexRows(ctx, caseId, { ...(name && !kinds ? { name } : {}), ...(text("service_number") && (!kinds || kinds.includes("service_number")) ? { service_number: text("service_number")! } : {}) });
  if (name && birth && (!kinds || kinds.includes("name_birth"))) {
    const pair = await blindIndexAsync(ctx.keys.subkey("index"), "name_birth", nameBirthValue(name, birth));
    if (pair) rows.push({ caseId, kind: "name_birth", value: pair });
  }
  if (rows.length) await tx.insert(blindIndexes).values(rows).onConflictDoNothing();
}

/**
 * A verifier reading the case indexes the drift kinds of its identity as written now, when the
 * section changed since `since` (the round opened; the hand-over indexed it then): a service
 * number rewritten on the case is counted as drift, and after a verdict it is an identity the
 * verdict did not see (re-check, recheck.ts). The name alone is left to the hand-over, as before.
 */
export async function indexIdentityChangedSince(ctx: AppContext, caseId: string, caseKey: Buffer, role: Role, since: Date) {
  const [s] = await ctx.db.select({ at: caseSections.updatedAt }).from(caseSections).where(and(eq(caseSections.caseId, caseId), eq(caseSections.section, "identity")));
  if (s && s.at >= since) await ctx.db.transaction((tx) => indexWrittenIdentity(ctx, tx, caseId, caseKey, role, DRIFT_KINDS));
}
