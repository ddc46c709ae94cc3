import { and, desc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases } from "../db/schema.js";
import { blindIndexAsync, nameBirthValue, normaliseForIndex, type BlindIndexKind } from "../crypto/blind-index.js";
import { openSealed, sealTo, wipeKeyPair } from "../crypto/box.js";
import { trustedTeamKeys } from "../keys/pinned.js";
import { openTeamKeyFor } from "../keys/teams.js";
import { caseScope } from "../cases/index.js";
import { appendAudit } from "../audit/log.js";
import { allow, authorize } from "../policy.js";
import type { SessionUser, StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import type { WatchlistAdd } from "../../shared/api/verification.js";
import { verificationWatchlist } from "./tables.js";

/** The team whose key seals an entry added by hand: its members are the ones who read the clear value. */
export const WATCHLIST_TEAM = "verification";

/** The kinds one identifier comes back as: a number writes by phone and on WhatsApp (unrelated indexes, blind-index.ts). */
const KINDS_OF: Record<WatchlistAdd["kind"], BlindIndexKind[]> = {
  phone: ["phone", "whatsapp"],
  whatsapp: ["whatsapp", "phone"],
  telegram_id: ["telegram_id"],
  telegram_username: ["telegram_username"],
  service_number: ["service_number"],
  name: ["name"],
};

/**
 * Put an identifier on the watchlist by hand (a number a provocation used elsewhere, a name the
 * verifiers were warned of): blind indexes to match on, the clear value and the note sealed to the
 * verification team's key, never stored readable. A name with a date of birth is listed as the
 * pair too, so it matches the person rather than his namesakes (watchlist-match.ts).
 */
export async function addWatchlistEntry(ctx: AppContext, user: SessionUser, input: WatchlistAdd) {
  authorize(user, "verification", "watchlist");
  if (normaliseForIndex(input.kind, input.value) === null) throw new AppError("bad_request", `this value cannot be read as a ${input.kind}`);
  if (input.birthDate !== undefined && (input.kind !== "name" || normaliseForIndex("date", input.birthDate) === null)) throw new AppError("bad_request", "a date of birth goes with a name, as a valid date");
  const [team] = await trustedTeamKeys(ctx.db, ctx.keys, [WATCHLIST_TEAM]);
  if (!team) throw new AppError("conflict", "the verification team has no key yet");
  const key = ctx.keys.subkey("index");
  const pairs: { kind: BlindIndexKind; value: string }[] = KINDS_OF[input.kind].map((kind) => ({ kind, value: input.value }));
  if (input.birthDate) pairs.push({ kind: "name_birth", value: nameBirthValue(input.value, input.birthDate) });
  const indexes = await Promise.all(pairs.map((p) => blindIndexAsync(key, p.kind, p.value)));
  const sealedValue = sealTo(team.publicKey, Buffer.from(JSON.stringify({ value: input.value, birthDate: input.birthDate ?? null }), "utf8"));
  const sealedNote = input.note ? sealTo(team.publicKey, Buffer.from(input.note, "utf8")) : null;
  const now = ctx.now();
  const rows = pairs.map((p, i) => ({ kind: p.kind, value: indexes[i]!, reasonCode: input.reasonCode, createdAt: now, birthKnown: p.kind === "name" && !!input.birthDate, addedBy: user.id, sealedValue, sealedNote, keyVersion: team.keyVersion }));
  return ctx.db.transaction(async (tx) => {
    const ids = await tx.insert(verificationWatchlist).values(rows).returning({ id: verificationWatchlist.id });
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "verification.watchlist_added", subjectType: "watchlist", subjectId: ids[0]!.id, details: { kind: input.kind, entries: ids.length } });
    return { ids: ids.map((r) => r.id) };
  });
}

/**
 * The entries, with what the reader may see: everyone who keeps the list sees the kind, the
 * reason, where it came from and when; a verifier who holds the team key also reads the value
 * and note of an entry added by hand (a supervisor reads no identifying data, so he never does).
 * The source case's number only when it is in the reader's scope.
 */
export async function listWatchlist(ctx: AppContext, session: StaffSession) {
  const { user } = session;
  authorize(user, "verification", "watchlist");
  const rows = await ctx.db.select().from(verificationWatchlist).orderBy(desc(verificationWatchlist.createdAt), verificationWatchlist.kind).limit(1000);
  const sources = [...new Set(rows.map((r) => r.sourceCaseId).filter((x): x is string => !!x))];
  const scope = caseScope(user, { resource: "verification", action: "read" });
  const visible = sources.length ? await ctx.db.select({ id: cases.id, number: cases.number }).from(cases).where(and(inArray(cases.id, sources), ...(scope ? [scope] : []))) : [];
  const numberOf = new Map(visible.map((v) => [v.id, v.number]));
  const pair = allow(user.role, "verification", "review") && rows.some((r) => r.sealedValue) ? await openTeamKeyFor(ctx.db, WATCHLIST_TEAM, user.id, session.privateKey) : null;
  const [current] = pair ? await trustedTeamKeys(ctx.db, ctx.keys, [WATCHLIST_TEAM]) : [];
  const open = (sealed: Buffer | null, version: number | null) => (pair && sealed && version === current?.keyVersion ? openSealed(sealed, pair, "watchlist entry").toString("utf8") : null);
  try {
    return rows.map((r) => {
      const clear = open(r.sealedValue, r.keyVersion);
      const value = clear ? (JSON.parse(clear) as { value: string; birthDate: string | null }) : null;
      return {
        id: r.id,
        kind: r.kind,
        reasonCode: r.reasonCode,
        byHand: !!r.addedBy,
        sourceNumber: r.sourceCaseId ? (numberOf.get(r.sourceCaseId) ?? null) : null,
        value: value?.value ?? null,
        birthDate: value?.birthDate ?? null,
        note: open(r.sealedNote, r.keyVersion),
        createdAt: r.createdAt.toISOString(),
        removedAt: r.removedAt?.toISOString() ?? null,
      };
    });
  } finally {
    if (pair) wipeKeyPair(pair);
  }
}

/** Taking an entry off needs a supervisor and a reason (sealed to the source case, audited by id). */
export async function removeFromWatchlist(ctx: AppContext, user: SessionUser, entryId: string, reason: string) {
  authorize(user, "verification", "unlist");
  await ctx.db.transaction(async (tx) => {
    const [entry] = await tx.select({ id: verificationWatchlist.id, removedAt: verificationWatchlist.removedAt, sourceCaseId: verificationWatchlist.sourceCaseId }).from(verificationWatchlist).where(eq(verificationWatchlist.id, entryId)).for("update");
    const [source] = entry?.sourceCaseId ? await tx.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, entry.sourceCaseId)) : [];
    if (!entry) throw new AppError("not_found", "no such watchlist entry");
    if (entry.removedAt) throw new AppError("conflict", "this entry was already removed");
    const [team] = source?.publicKey ? [] : await trustedTeamKeys(tx, ctx.keys, [WATCHLIST_TEAM]);
    // The reason goes where the entry's readers are: the source case, or (added by hand) the verification team.
    const sealFor = source?.publicKey ?? team?.publicKey;
    await tx
      .update(verificationWatchlist)
      .set({ removedAt: ctx.now(), removedBy: user.id, removeReason: sealFor ? sealTo(sealFor, Buffer.from(reason, "utf8")) : null })
      .where(eq(verificationWatchlist.id, entryId));
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "verification.watchlist_removed", subjectType: "watchlist", subjectId: entryId });
  });
}
