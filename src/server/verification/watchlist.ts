import { and, desc, eq, inArray, ne, or } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { blindIndexes, cases } from "../db/schema.js";
import { blindIndexAsync, type BlindIndexKind } from "../crypto/blind-index.js";
import { caseScope, readSections } from "../cases/index.js";
import type { Role } from "../../shared/roles.js";
import { appendAudit } from "../audit/log.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { IDENTITY_KINDS } from "./risk.js";
import { verificationWatchlist } from "./tables.js";
import { activeEntryFor, sameIdentifier } from "./watchlist-match.js";
import { indexWrittenIdentity } from "./identity-index.js";

/**
 * A number is the same person on the phone and on WhatsApp: the blind indexes of the two kinds
 * are unrelated by design (blind-index.ts), so each number is indexed as both.
 */
const CROSS: Record<string, BlindIndexKind[]> = { phone: ["phone", "whatsapp"], whatsapp: ["whatsapp", "phone"], telegram_id: ["telegram_id"] };

/**
 * Index the case's clear contact numbers under every kind they can come back as (phone and
 * WhatsApp), on the case itself: a verifier does it, holding the case key, as soon as he calls
 * the request a provocation, so the verdict can list them even when a supervisor (no key) gives it.
 */
export async function indexAcrossKinds(ctx: AppContext, tx: Tx, caseId: string, caseKey: Buffer, role: Role) {
  const contact = (await readSections(tx, caseId, caseKey, role)).contact ?? {};
  const key = ctx.keys.subkey("index");
  const rows: { caseId: string; kind: string; value: string }[] = [];
  for (const [field, kinds] of Object.entries(CROSS)) {
    const value = contact[field];
    if (typeof value !== "string") continue;
    for (const kind of kinds) {
      const index = await blindIndexAsync(key, kind, value);
      if (index) rows.push({ caseId, kind, value: index });
    }
  }
  if (rows.length) await tx.insert(blindIndexes).values(rows).onConflictDoNothing();
  await indexWrittenIdentity(ctx, tx, caseId, caseKey, role);
}

/**
 * A request rejected as a provocation: its identifiers (blind indexes only, never a value, of
 * the case and of the cases merged into it) go on the watchlist, in the verdict's transaction.
 */
export async function addToWatchlist(ctx: AppContext, tx: Tx, caseId: string) {
  const merged = tx.select({ id: cases.id }).from(cases).where(eq(cases.mergedInto, caseId));
  const rows = await tx.select({ kind: blindIndexes.kind, value: blindIndexes.value }).from(blindIndexes).where(and(or(eq(blindIndexes.caseId, caseId), inArray(blindIndexes.caseId, merged)), inArray(blindIndexes.kind, [...IDENTITY_KINDS])));
  const unique = [...new Map(rows.map((r) => [`${r.kind}:${r.value}`, r])).values()];
  // With a date of birth known, his name alone hits only cases that know no date (watchlist-match.ts).
  const birthKnown = unique.some((r) => r.kind === "name_birth");
  if (unique.length) await tx.insert(verificationWatchlist).values(unique.map((r) => ({ ...r, sourceCaseId: caseId, reasonCode: "provocation" as const, createdAt: ctx.now(), birthKnown: r.kind === "name" && birthKnown })));
  await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "verification.watchlisted", subjectType: "case", subjectId: caseId, details: { entries: unique.length } });
}

/**
 * Every live case that matches an active entry, flagged to verifiers whichever team holds it (a
 * provocation writes again through intake): number, channel and reason, nothing identifying; the
 * original case's number only when it is in the verifier's scope.
 */
export async function listWatchlistHits(ctx: AppContext, user: SessionUser) {
  authorize(user, "verification", "read");
  const scope = caseScope(user, { resource: "verification", action: "read" });
  const hits = await ctx.db
    .select({ caseId: cases.id, number: cases.number, state: cases.state, channel: cases.channel, kind: verificationWatchlist.kind, reasonCode: verificationWatchlist.reasonCode, sourceCaseId: verificationWatchlist.sourceCaseId, listedAt: verificationWatchlist.createdAt })
    .from(verificationWatchlist)
    .innerJoin(blindIndexes, sameIdentifier)
    .innerJoin(cases, eq(cases.id, blindIndexes.caseId))
    .where(and(activeEntryFor(cases.id), ne(cases.state, "merged")))
    .orderBy(desc(cases.createdAt))
    .limit(500);
  const sources = [...new Set(hits.map((h) => h.sourceCaseId).filter((x): x is string => !!x))];
  const visible = sources.length ? await ctx.db.select({ id: cases.id, number: cases.number }).from(cases).where(and(inArray(cases.id, sources), ...(scope ? [scope] : []))) : [];
  const numberOf = new Map(visible.map((v) => [v.id, v.number]));
  return hits.map((h) => ({ caseId: h.caseId, number: h.number, state: h.state, channel: h.channel, kind: h.kind, reasonCode: h.reasonCode, listedAt: h.listedAt, sourceNumber: h.sourceCaseId ? (numberOf.get(h.sourceCaseId) ?? null) : null }));
}
