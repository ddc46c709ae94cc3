import { and, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import { caseSections } from "../db/schema.js";
import { decryptJson, encryptJson } from "../crypto/fields.js";
import { allow, authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import type { Role } from "../../shared/roles.js";
import { AppError } from "../errors.js";
import { SECTION_FIELDS, SECTION_NAMES, sectionSchema, type SectionName } from "../../shared/sections.js";
import type { CaseState } from "../../shared/case-states.js";
import { withCaseKey, type CaseAccess } from "./access.js";
import { recordChange } from "./change.js";
import { registerEffect } from "./transitions.js";
import { sectionContext } from "./sections.js";

interface SectionRule {
  /** Who reads it and who writes it: policy resources and actions (src/server/policy.ts). */
  read: CaseAccess;
  write: CaseAccess;
  /** Entering any of these states deletes the section (need-to-know data does not outlive its use). */
  purgeOn: readonly CaseState[];
}

/**
 * Every encrypted section of a case, declared once: its fields and their schema come from the
 * shared declaration (src/shared/sections.ts, which the console reads for labels), the grants and
 * the purge states are added here. Nothing reads or writes a section except through this module.
 */
export const SECTIONS = {
  identity: { read: { resource: "case_identity", action: "read" }, write: { resource: "case_identity", action: "write" }, purgeOn: [] },
  contact: { read: { resource: "case_contact", action: "read" }, write: { resource: "case_contact", action: "write" }, purgeOn: [] },
  questionnaire: { read: { resource: "case_questionnaire", action: "read" }, write: { resource: "case_questionnaire", action: "write" }, purgeOn: [] },
  // Coordinates and times are need-to-know: gone once the handover happened, failed or was called off.
  rendezvous: { read: { resource: "rendezvous", action: "read" }, write: { resource: "rendezvous", action: "write" }, purgeOn: ["handed_over", "no_show", "aborted", "rejected", "closed"] },
} as const satisfies Record<SectionName, SectionRule>;

export type SectionValues = Partial<Record<SectionName, Record<string, unknown>>>;

const granted = (role: Role, a: CaseAccess) => !!allow(role, a.resource, a.action as never);

export const isSectionName = (name: string): name is SectionName => (SECTION_NAMES as string[]).includes(name);

/** The sections a role may read. */
export function readableSections(role: Role): SectionName[] {
  return SECTION_NAMES.filter((s) => granted(role, SECTIONS[s].read));
}

/** The fields of a section the applicant may see on his own pages. */
export function applicantFields(section: SectionName): string[] {
  return Object.entries(SECTION_FIELDS[section] as Record<string, { applicantVisible?: boolean }>)
    .filter(([, f]) => f.applicantVisible)
    .map(([k]) => k);
}

async function decryptRows(db: Pick<Db, "select">, caseId: string, caseKey: Buffer, names: SectionName[]): Promise<SectionValues> {
  if (names.length === 0) return {};
  const out: SectionValues = {};
  for (const s of await db.select().from(caseSections).where(and(eq(caseSections.caseId, caseId), inArray(caseSections.section, names)))) {
    const name = s.section as SectionName;
    out[name] = decryptJson(caseKey, sectionContext(caseId, name), s.ciphertext) as Record<string, unknown>;
  }
  return out;
}

/** The sections of an open case that this role may read, decrypted. */
export function readSections(db: Pick<Db, "select">, caseId: string, caseKey: Buffer, role: Role): Promise<SectionValues> {
  return decryptRows(db, caseId, caseKey, readableSections(role));
}

/** One section as the applicant may see it: only the fields declared applicant-visible, and only non-empty ones. */
export async function readApplicantSection(db: Pick<Db, "select">, caseId: string, caseKey: Buffer, section: SectionName): Promise<Record<string, unknown> | null> {
  const value = (await decryptRows(db, caseId, caseKey, [section]))[section];
  if (!value) return null;
  const out = Object.fromEntries(applicantFields(section).flatMap((f) => (value[f] === undefined || value[f] === "" ? [] : [[f, value[f]]])));
  return Object.keys(out).length ? out : null;
}

/**
 * Section rows for a new case, encrypted under its key. The values come from the channels'
 * own zod-validated input (a web form, the bot's questionnaire), so they are not re-validated
 * against the staff schema; an undeclared section name is refused.
 */
export function encryptSectionRows(caseId: string, caseKey: Buffer, sections: SectionValues) {
  return Object.entries(sections)
    .filter(([, v]) => v && Object.keys(v).length > 0)
    .map(([section, value]) => {
      if (!isSectionName(section)) throw new Error(`undeclared section ${section}`);
      return { caseId, section, ciphertext: encryptJson(caseKey, sectionContext(caseId, section), value) };
    });
}

/**
 * Write one section of a case as a staff member: his role must hold the section's write grant on
 * this case (out of scope: not found), the value must fit the section's schema (known fields of
 * their declared kinds; it replaces the section), and it is encrypted under the case key. The
 * audit row names the section and the fields written, never their values.
 */
export async function writeSection(ctx: AppContext, session: StaffSession, caseId: string, section: string, value: unknown): Promise<{ section: SectionName; fields: string[] }> {
  if (!isSectionName(section)) throw new AppError("not_found", "no such section");
  const rule = SECTIONS[section];
  authorize(session.user, rule.write.resource, rule.write.action as never);
  const parsed = sectionSchema(section).safeParse(value);
  if (!parsed.success) throw new AppError("validation_failed", "this section does not accept these values", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const clean = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      if (row.state === "merged") throw new AppError("conflict", "this case was merged into another; write there");
      if ((rule.purgeOn as readonly string[]).includes(row.state)) throw new AppError("conflict", "this section is closed in the case's current state");
      const ciphertext = encryptJson(caseKey, sectionContext(caseId, section), clean);
      await ctx.db.transaction(async (tx) => {
        await tx
          .insert(caseSections)
          .values({ caseId, section, ciphertext, updatedAt: ctx.now() })
          .onConflictDoUpdate({ target: [caseSections.caseId, caseSections.section], set: { ciphertext, updatedAt: ctx.now() } });
        await recordChange(ctx, tx, { actorId: session.user.id, action: "case.section_written", caseId, details: { section, fields: Object.keys(clean).sort().join(",") }, notify: "case.updated" });
      });
      return { section, fields: Object.keys(clean).sort() };
    },
    rule.write,
  );
}

/** Delete the sections purged on entering `state` (an on-enter effect of the transitions). */
async function purgeSectionsOnEnter(tx: Tx, caseId: string, state: CaseState) {
  const names = SECTION_NAMES.filter((s) => (SECTIONS[s].purgeOn as readonly CaseState[]).includes(state));
  if (names.length) await tx.delete(caseSections).where(and(eq(caseSections.caseId, caseId), inArray(caseSections.section, names)));
}

for (const state of new Set(SECTION_NAMES.flatMap((s) => SECTIONS[s].purgeOn as readonly CaseState[]))) {
  registerEffect(state, "purge sections", (m) => purgeSectionsOnEnter(m.tx, m.caseId, state));
}
