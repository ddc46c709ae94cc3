import { and, desc, eq, inArray, or } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { caseGrants, caseSections, messages, teamMembers } from "../db/schema.js";
import { openCaseKey } from "../crypto/case-keys.js";
import { publicKeyOf, type KeyPair } from "../crypto/box.js";
import { decryptFieldText, decryptJson } from "../crypto/fields.js";
import { isCryptoError } from "../crypto/errors.js";
import { SecureArena, wipe } from "../crypto/secure.js";
import { openTeamKeyFor } from "../keys/teams.js";
import { allow } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { appendAudit } from "../audit/log.js";
import { caseKeyring } from "./case-cipher.js";
import { alreadyAudited, rememberAudited } from "./inbox-read-log.js";
import { messageContext, sectionContext } from "./sections.js";

export interface InboxPreview {
  who: string | null;
  preview: { direction: "in" | "out"; text: string } | null;
}

const PREVIEW_CHARS = 140;
const WHO_WORDS = 5;

const shorten = (s: string, max: number) => {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
};
const firstWords = (s: string) => shorten(s.replace(/\s+/g, " ").trim().split(" ").slice(0, WHO_WORDS).join(" "), 60);

/**
 * Open the case keys of many cases at once: each team key the viewer holds is opened once, not
 * once per case. Cases he holds no key to are simply absent (a supervisor holds none).
 */
async function openCaseKeys(ctx: AppContext, session: StaffSession, caseIds: string[], arena: SecureArena): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (caseIds.length === 0) return out;
  const me = session.user.id;
  const myTeams = ctx.db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.userId, me), eq(teamMembers.custodian, false)));
  const grants = await ctx.db
    .select()
    .from(caseGrants)
    .where(and(inArray(caseGrants.caseId, caseIds), or(and(eq(caseGrants.recipientType, "staff"), eq(caseGrants.recipientId, me)), and(eq(caseGrants.recipientType, "team"), inArray(caseGrants.recipientId, myTeams)))));
  const teamKeys = new Map<string, KeyPair | null>();
  const mine = { publicKey: publicKeyOf(session.privateKey), privateKey: session.privateKey };
  try {
    for (const g of grants) {
      if (out.has(g.caseId)) continue;
      let pair: KeyPair | null = mine;
      if (g.recipientType === "team") {
        if (!teamKeys.has(g.recipientId)) teamKeys.set(g.recipientId, await openTeamKeyFor(ctx.db, g.recipientId, me, session.privateKey));
        pair = teamKeys.get(g.recipientId) ?? null;
      }
      if (!pair) continue;
      try {
        out.set(g.caseId, openCaseKey(g.sealedKey, pair.publicKey, pair.privateKey, arena));
      } catch (err) {
        if (!isCryptoError(err)) throw err;
      }
    }
  } finally {
    for (const k of teamKeys.values()) if (k) wipe(k.privateKey);
  }
  return out;
}

/**
 * Who each case is about and its last message, for the inbox rows, decrypted only for cases whose
 * key the viewer holds and only if his role may read the case (a supervisor's list stays numbers).
 * The name comes from the identity section when the role may read it, else from the channel's
 * display name when it may read contacts, else from the first words of the last applicant message.
 * One audit entry records which cases were read this way, once per change of what was read
 * (inbox-read-log.ts), not once per refetch.
 */
export async function inboxPreviews(ctx: AppContext, session: StaffSession, rows: { id: string; publicKey: Buffer | null }[]): Promise<Map<string, InboxPreview>> {
  const out = new Map<string, InboxPreview>();
  const role = session.user.role;
  if (!allow(role, "case", "read") || rows.length === 0) return out;
  const arena = new SecureArena();
  try {
    const keys = await openCaseKeys(ctx, session, rows.map((r) => r.id), arena);
    const ids = [...keys.keys()];
    if (ids.length === 0) return out;
    const sectionsWanted = [allow(role, "case_identity", "read") && "identity", allow(role, "case_contact", "read") && "contact"].filter((s): s is "identity" | "contact" => !!s);
    const sections = sectionsWanted.length
      ? await ctx.db.select().from(caseSections).where(and(inArray(caseSections.caseId, ids), inArray(caseSections.section, sectionsWanted)))
      : [];
    // The newest message of each direction per case (notes are staff-only and never previewed).
    const latest = await ctx.db
      .selectDistinctOn([messages.caseId, messages.direction], { id: messages.id, caseId: messages.caseId, direction: messages.direction, body: messages.body, sealedKey: messages.sealedKey, seq: messages.seq })
      .from(messages)
      .where(and(inArray(messages.caseId, ids), inArray(messages.direction, ["in", "out"])))
      .orderBy(messages.caseId, messages.direction, desc(messages.seq));
    for (const r of rows) {
      const caseKey = keys.get(r.id);
      if (!caseKey) continue;
      const names: Record<string, Record<string, unknown>> = {};
      for (const s of sections.filter((x) => x.caseId === r.id)) names[s.section] = decryptJson(caseKey, sectionContext(r.id, s.section as "identity" | "contact"), s.ciphertext) as Record<string, unknown>;
      const mine = latest.filter((m) => m.caseId === r.id).sort((a, b) => b.seq - a.seq);
      const keyring = await caseKeyring(ctx.db, r.id, caseKey, r.publicKey);
      const texts: { direction: "in" | "out"; text: string }[] = [];
      try {
        for (const m of mine) texts.push({ direction: m.direction as "in" | "out", text: decryptFieldText(await keyring.rowKey(m.sealedKey), messageContext(r.id, m.id), m.body) });
      } finally {
        keyring.close();
      }
      const named = [names.identity?.name, names.contact?.telegram_name, names.contact?.whatsapp_name].find((v): v is string => typeof v === "string" && v.trim() !== "");
      const inbound = texts.find((x) => x.direction === "in");
      const last = texts[0];
      out.set(r.id, { who: named ? shorten(named, 60) : inbound ? firstWords(inbound.text) : null, preview: last ? { direction: last.direction, text: shorten(last.text, PREVIEW_CHARS) } : null });
    }
    // What was read: the cases, their sections as last written, the messages previewed.
    const fingerprint = [
      sectionsWanted.join(","),
      ...[...ids].sort().map((id) => [id, ...sections.filter((x) => x.caseId === id).map((x) => `${x.section}@${x.updatedAt.getTime()}`), ...latest.filter((m) => m.caseId === id).map((m) => m.id)].join(" ")),
    ].join("|");
    if (alreadyAudited(ctx, session.idHash, fingerprint)) return out;
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx.keys.subkey("audit"), {
        actorId: session.user.id,
        action: "case.inbox_read",
        subjectType: "case",
        details: { cases: ids.length, ids: ids.join(","), sections: sectionsWanted.join(",") },
      }),
    );
    rememberAudited(ctx, session.idHash, fingerprint);
    return out;
  } finally {
    arena.close();
  }
}

