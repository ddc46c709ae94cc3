import { rowsOf } from "../db/index.js";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases, users } from "../db/schema.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { caseScope, findCase } from "./access.js";
import { recordChange } from "./change.js";
import type { InboxRow } from "./inbox.js";

/**
 * Kinds whose equality suggests the same person. A single name word or a birth date alone is
 * shared by too many people to suggest anything; a receipt lookup is deliberately ambiguous.
 */
export const DUPLICATE_KINDS = ["name", "phone", "whatsapp", "telegram_id", "telegram_username", "service_number"] as const;

export interface DuplicateSuggestion extends InboxRow {
  /** The index kinds the two cases share, e.g. ["phone", "name"]. */
  matched: string[];
}

/**
 * Cases that share a blind index (same kind, same value) with this one: the same phone number on
 * WhatsApp and on the web form, the same service number under two spellings of a name. Only
 * cases the user may see are suggested, and never a case already merged. The look-up is audited
 * (how many were suggested; the values matched never leave the database).
 */
export async function findDuplicates(ctx: AppContext, user: SessionUser, caseId: string, limit = 20): Promise<DuplicateSuggestion[]> {
  authorize(user, "case", "read");
  await findCase(ctx, user, caseId);
  const kinds = sql.raw(DUPLICATE_KINDS.map((k) => `'${k}'`).join(", "));
  const rows = await rowsOf<{ id: string; matched: string[] | string }>(ctx.db, sql`
    SELECT b2.case_id AS id, array_agg(DISTINCT b2.kind ORDER BY b2.kind) AS matched
    FROM blind_indexes b1
    JOIN blind_indexes b2 ON b2.kind = b1.kind AND b2.value = b1.value AND b2.case_id <> b1.case_id
    WHERE b1.case_id = ${caseId}::uuid AND b1.kind IN (${kinds})
    GROUP BY b2.case_id
    LIMIT 500`);
  const matches = rows.map((m) => ({
    id: m.id,
    matched: Array.isArray(m.matched) ? m.matched : String(m.matched).replace(/[{}]/g, "").split(",").filter(Boolean),
  }));
  const found = matches.length === 0 ? [] : await suggestionsInScope(ctx, user, matches, limit);
  await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: user.id, action: "case.duplicates_checked", caseId, details: { suggested: found.length }, notify: null }));
  return found;
}

async function suggestionsInScope(ctx: AppContext, user: SessionUser, matches: { id: string; matched: string[] }[], limit: number): Promise<DuplicateSuggestion[]> {
  const byId = new Map(matches.map((m) => [m.id, m.matched]));
  const rows = await ctx.db
    .select({ row: cases, assigneeName: users.displayName })
    .from(cases)
    .leftJoin(users, eq(users.id, cases.assignedUserId))
    .where(and(inArray(cases.id, [...byId.keys()]), sql`${cases.state} <> 'merged'`, caseScope(user)))
    .limit(limit);
  return rows
    .map((r) => ({ row: r.row, assigneeName: r.assigneeName, dueAtMs: null, matched: byId.get(r.row.id) ?? [] }))
    .sort((a, b) => b.matched.length - a.matched.length || b.row.updatedAt.getTime() - a.row.updatedAt.getTime());
}
