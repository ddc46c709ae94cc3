import { z } from "zod";
import { CASE_STATES } from "../case-states.js";
import { CARD_REASONS, CARD_SENT_VIA, EVENT_KINDS, HEALTH, RECORD_FIELDS, recordValuesSchema } from "../registration.js";

/** What leaves the server about a registration; the choice is never part of it (its own route, its own key). */
/** One copy of a card: when it was first printed, and whether (the day, the way) it was recorded as sent; the note only on his record. */
export const cardCopySchema = z.object({
  printedAt: z.string().nullable(),
  sent: z.object({ on: z.string(), via: z.enum(CARD_SENT_VIA), recordedAt: z.string(), note: z.string().optional() }).nullable(),
});
/** A card is sent once the agency's copy (always owed) is recorded as sent; printed but not sent, it stays due or overdue. */
export const cardSchema = z.object({ id: z.string(), reason: z.enum(CARD_REASONS), dueAt: z.string(), status: z.enum(["sent", "due", "overdue"]), agency: cardCopySchema, family: cardCopySchema });
export const fateEventSchema = z.object({
  id: z.string(),
  kind: z.enum(EVENT_KINDS),
  date: z.string(),
  recordedAt: z.string(),
  actorName: z.string().nullable(),
  place: z.string().optional(),
  health: z.enum(HEALTH).optional(),
  note: z.string().optional(),
  death: z.object({ cause: z.string(), place: z.string(), burial_place: z.string(), certificate: z.string().optional() }).optional(),
});
export const registrationSchema = z.object({
  caseId: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  values: recordValuesSchema,
  confirmed: z.array(z.enum(RECORD_FIELDS)),
  familyConsent: z.boolean(),
  proposals: recordValuesSchema,
  missing: z.array(z.string()),
  registeredAt: z.string().nullable(),
  cards: z.array(cardSchema),
  timeline: z.array(fateEventSchema),
});

export const registerEntrySchema = z.object({
  caseId: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  art17Complete: z.boolean(),
  registeredAt: z.string().nullable(),
  nextCard: cardSchema.nullable(),
  /** The latest day a card of his went to the agency: what the register shows once none is owed. */
  lastSentOn: z.string().nullable(),
});
