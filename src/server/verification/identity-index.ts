import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { blindIndexes } from "../db/schema.js";
import { blindIndexAsync, nameBirthValue } from "../crypto/blind-index.js";
import { blindIndexRows, readSections } from "../cases/index.js";
import type { Role } from "../../shared/roles.js";

/**
 * Index the identity a case's staff wrote down (name, date of birth, service number) for the
 * watchlist, as blind indexes on the case: intake indexes only what the channel gave, and the
 * name and date of birth are often typed in later by the operator. The name and the date go in
 * as one "name_birth" index too, so a watchlist entry matches the person, not every namesake.
 * Called by whoever holds the case key when verification needs it (hand-over, a provocation).
 */
export async function indexWrittenIdentity(ctx: AppContext, tx: Tx, caseId: string, caseKey: Buffer, role: Role) {
  const identity = (await readSections(tx, caseId, caseKey, role)).identity ?? {};
  const text = (k: string) => (typeof identity[k] === "string" && identity[k] ? (identity[k] as string) : undefined);
  const name = text("name");
  const birth = text("birth_date");
  const rows = await blindIndexRows(ctx, caseId, { ...(name ? { name } : {}), ...(text("service_number") ? { service_number: text("service_number")! } : {}) });
  if (name && birth) {
    const pair = await blindIndexAsync(ctx.keys.subkey("index"), "name_birth", nameBirthValue(name, birth));
    if (pair) rows.push({ caseId, kind: "name_birth", value: pair });
  }
  if (rows.length) await tx.insert(blindIndexes).values(rows).onConflictDoNothing();
}
