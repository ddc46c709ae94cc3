import { z } from "zod";
import { calendarDaySchema } from "./calendar-day.js";
import type { CaseState } from "./case-states.js";

/**
 * The prisoner-of-war record, declared once for the server and the console (labels live in the
 * console catalogs under `registration.fields.<field>`). Geneva Convention III:
 *   Art. 17  the minimum every prisoner must give: surname, first names, rank, date of birth, number;
 *   Art. 122 what the information bureau passes on besides: place of birth, the Power he depends
 *            on, his parents' names, the person to be informed;
 *   Art. 70  what the capture card says: capture, state of health, address (place of internment).
 */
export const ART17_FIELDS = ["surname", "first_names", "rank", "birth_date", "service_number"] as const;
export const ART122_FIELDS = ["birth_place", "power", "father_first_name", "mother_maiden_name", "informed_person_name", "informed_person_address"] as const;
export const CAPTURE_FIELDS = ["capture_date", "capture_place", "health", "internment_place", "arrival_date"] as const;
/** The states in which a case is the registrar's work: handed over (to register), registered, closed after. */
export const REGISTER_STATES: readonly CaseState[] = ["handed_over", "registered_pow", "closed"];
export const RECORD_FIELDS = [...ART17_FIELDS, ...ART122_FIELDS, ...CAPTURE_FIELDS] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

/** The states of health of the model capture card (Annex IV B). */
export const HEALTH = ["well", "not_wounded", "recovered", "sick", "slightly_wounded", "seriously_wounded"] as const;

// A real calendar day: "2026-02-30" passed the shape check and reached a date column (a 500).
const dateText = calendarDaySchema;
const line = z.string().trim().min(1).max(200);

export const recordValuesSchema = z
  .object({
    surname: line, first_names: line, rank: line, birth_date: dateText, service_number: line,
    birth_place: line, power: line, father_first_name: line, mother_maiden_name: line, informed_person_name: line,
    informed_person_address: z.string().trim().min(1).max(500),
    capture_date: dateText, capture_place: line, health: z.enum(HEALTH), internment_place: line, arrival_date: dateText,
  })
  .partial()
  .strict();
export type RecordValues = z.infer<typeof recordValuesSchema>;

/**
 * A write of the record: the values, which of them the registrar confirmed (a value prefilled from
 * the case's identity counts only once he confirmed it), and whether the prisoner consents to a
 * card going to his family (and to whom: the person to be informed).
 */
export const recordWriteSchema = z
  .object({
    values: recordValuesSchema,
    confirmed: z.array(z.enum(RECORD_FIELDS)).max(RECORD_FIELDS.length),
    familyConsent: z.boolean(),
  })
  .strict();
export type RecordWrite = z.infer<typeof recordWriteSchema>;

/** Why a capture card is due (Art. 70): arrival at a place of internment, and again on each of these. */
export const CARD_REASONS = ["arrival", "transfer", "hospitalisation", "health_change"] as const;
export type CardReason = (typeof CARD_REASONS)[number];
export const CARD_COPIES = ["family", "agency"] as const;
export type CardCopy = (typeof CARD_COPIES)[number];
/** How a copy went out: by post, through an ICRC delegate, electronically, or handed to the Central Tracing Agency. */
export const CARD_SENT_VIA = ["post", "icrc_delegate", "electronic", "cta_handover"] as const;
/**
 * The registrar's record that one copy of a card was sent: which, on which day, how, and an
 * optional note (kept encrypted under the case key). Printing is not sending; only this stops the
 * deadline.
 */
export const cardSentSchema = z
  .object({ copy: z.enum(CARD_COPIES), sentOn: dateText, via: z.enum(CARD_SENT_VIA), note: z.string().trim().min(1).max(1000).optional() })
  .strict();
export type CardSent = z.infer<typeof cardSentSchema>;

/** What happens to him, as dated events (Art. 122: transfers, hospital, releases, repatriation, death). */
export const EVENT_KINDS = ["transfer", "hospitalisation", "health_change", "death", "release", "repatriation", "exchange"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
/** Events that end his captivity: a registered case closes only after one. */
export const FINAL_EVENTS: readonly EventKind[] = ["death", "release", "repatriation", "exchange"];
/** Events after which Art. 70 asks for a new card. */
export const NEW_CARD_EVENTS: Partial<Record<EventKind, CardReason>> = { transfer: "transfer", hospitalisation: "hospitalisation", health_change: "health_change" };

export const eventWriteSchema = z
  .object({
    kind: z.enum(EVENT_KINDS),
    date: dateText,
    place: line.optional(),
    health: z.enum(HEALTH).optional(),
    note: z.string().trim().min(1).max(2000).optional(),
    // Art. 120: the death record.
    death: z.object({ cause: line, place: line, burial_place: line, certificate: line.optional() }).strict().optional(),
  })
  .strict()
  .refine((e) => e.kind !== "death" || !!e.death, { message: "a death is recorded with its cause, place and burial place (Art. 120)", path: ["death"] })
  .refine((e) => e.kind !== "transfer" || !!e.place, { message: "a transfer names the new place of internment", path: ["place"] });
export type EventWrite = z.infer<typeof eventWriteSchema>;

/** His own choice; need-to-know: sealed to named registrars and resettlement officers, never listed or exported. */
export const CHOICES = ["exchange", "stay", "third_country"] as const;
export const choiceWriteSchema = z
  .object({ choice: z.enum(CHOICES), date: dateText, words: z.string().trim().min(1).max(4000).optional(), shareWith: z.array(z.string().uuid()).max(20).default([]) })
  .strict();

export const exportRangeSchema = z.object({ from: dateText, to: dateText }).strict().refine((r) => r.from <= r.to, { message: "the range ends before it starts", path: ["to"] });
export const exportRunSchema = z.object({ format: z.enum(["csv", "json"]), recipientPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "an X25519 public key, base64url").optional() }).strict();
