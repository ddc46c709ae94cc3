import { z } from "zod";
import { CONTACTS, DEPLOYED, REGIONS, TIMINGS, WHO } from "./questionnaire.js";
import { CHANNELS } from "./case-states.js";

/**
 * The fields of each encrypted case section, declared once for both sides: the server's section
 * registry (src/server/cases) adds who may read and write each section and when it is purged;
 * the console reads the same declaration to label every value in the viewer's language.
 *
 * Labels live in the console's catalogs, never here:
 *   field label   → `sections.<section>.<field>`
 *   choice label  → `choices.<choices>.<code>`   (for fields of kind "choice" and "choices")
 * A field the declaration does not know (written by an older version) is shown under its raw key,
 * so nothing is hidden from a reader who may see the section.
 */
export type FieldKind = "text" | "longtext" | "number" | "date" | "choice" | "choices" | "boolean";

export interface FieldDecl {
  kind: FieldKind;
  /** For "choice"/"choices": the catalog group of the codes. */
  choices?: string;
  /** For "choice"/"choices" with a fixed list known to both sides (equipment comes from the law's schedule, checked on the server). */
  codes?: readonly string[];
  /** Shown to the applicant on his own pages (the registry's "applicant may see"). */
  applicantVisible?: boolean;
}

/** Short text up to 200 characters; anything longer is "longtext" (shown as a paragraph). */
const text = (max = 200, applicantVisible = false): FieldDecl => ({ kind: max > 200 ? "longtext" : "text", applicantVisible });
const choice = (choices: string, codes: readonly string[], applicantVisible = false): FieldDecl => ({ kind: "choice", choices, codes, applicantVisible });

export const SECTION_FIELDS = {
  identity: {
    name: text(200, true),
    rank: text(100, true),
    unit: text(200, true),
    service_number: text(),
    birth_date: { kind: "date" },
  },
  contact: {
    preferred: choice("contact", [...CONTACTS, ...CHANNELS]),
    phone: text(32),
    telegram: text(64),
    telegram_id: text(32),
    telegram_name: text(200),
    telegram_username: text(64),
    whatsapp: text(32),
    whatsapp_name: text(200),
    relative: { kind: "boolean" },
  },
  questionnaire: {
    who: choice("who", WHO, true),
    group: { kind: "number", applicantVisible: true },
    deployed: choice("deployed", DEPLOYED, true),
    region: choice("regions", REGIONS, true),
    location: text(500, true),
    timing: choice("timing", TIMINGS, true),
    equipment: { kind: "choices", choices: "equipment", applicantVisible: true },
    equipmentNote: text(500, true),
    rewardScheduleFrom: { kind: "date" },
    language: choice("language", ["ru", "uk", "en"]),
    contact: choice("contact", CONTACTS),
  },
  rendezvous: {
    // What the applicant is told once the handover is scheduled: the time, the place, the signals.
    when: text(200, true),
    where: text(500, true),
    sector: text(200),
    grid: text(32),
    window_start: { kind: "date" },
    window_end: { kind: "date" },
    group_size: { kind: "number" },
    signals: text(1000, true),
    receiving_unit: text(200),
    drone_escort: { kind: "boolean" },
  },
} as const satisfies Record<string, Record<string, FieldDecl>>;

export type SectionName = keyof typeof SECTION_FIELDS;
export const SECTION_NAMES = Object.keys(SECTION_FIELDS) as SectionName[];

const MAX: Record<FieldKind, number> = { text: 200, longtext: 10_000, number: 0, date: 0, choice: 0, choices: 0, boolean: 0 };

function fieldSchema(f: FieldDecl): z.ZodType {
  switch (f.kind) {
    case "text":
    case "longtext":
      return z.string().trim().min(1).max(MAX[f.kind]);
    case "number":
      return z.number().int().min(0).max(100_000);
    case "date":
      return z.string().min(4).max(40);
    case "boolean":
      return z.union([z.boolean(), z.string().max(20)]);
    case "choice":
      return f.codes ? z.enum(f.codes as [string, ...string[]]) : z.string().min(1).max(64);
    case "choices":
      return z.array(f.codes ? z.enum(f.codes as [string, ...string[]]) : z.string().min(1).max(64)).max(50);
  }
}

/** A section's value as staff may write it: known fields only, each of its declared kind, all optional. */
export function sectionSchema(name: SectionName) {
  const shape = Object.fromEntries(Object.entries(SECTION_FIELDS[name]).map(([k, f]) => [k, fieldSchema(f).optional()]));
  return z.object(shape).strict();
}

/** The field declaration for a stored key, or null for a key no declaration knows. */
export function fieldDecl(section: string, field: string): FieldDecl | null {
  const s = (SECTION_FIELDS as Record<string, Record<string, FieldDecl>>)[section];
  return s?.[field] ?? null;
}
