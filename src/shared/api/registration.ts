import { z } from "zod";
import { CASE_STATES } from "../case-states.js";
import { CARD_REASONS, EVENT_KINDS, HEALTH, RECORD_FIELDS, recordValuesSchema } from "../registration.js";

/** What leaves the server about a registration; the choice is never part of it (its own route, its own key). */
export const cardSchema = z.object({ id: z.string(), reason: z.enum(CARD_REASONS), dueAt: z.string(), issuedAt: z.string().nullable(), familyIssuedAt: z.string().nullable(), status: z.enum(["issued", "due", "overdue"]) });
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
});
