import { z } from "zod";
import { CASE_STATES } from "../../shared/case-states.js";
import { CARD_REASONS, EVENT_KINDS, HEALTH, RECORD_FIELDS, recordValuesSchema } from "../../shared/registration.js";
import { cardStatus } from "./cards.js";
import type { readRecord } from "./record.js";
import type { powCards } from "./tables.js";

/** What leaves the server about a registration; the choice is never part of it (its own route, its own key). */
export const cardSchema = z.object({ id: z.string(), reason: z.enum(CARD_REASONS), dueAt: z.string(), issuedAt: z.string().nullable(), status: z.enum(["issued", "due", "overdue"]) });
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

type Card = typeof powCards.$inferSelect;
export const presentCard = (c: Card, now: Date): z.infer<typeof cardSchema> => ({
  id: c.id,
  reason: c.reason as z.infer<typeof cardSchema>["reason"],
  dueAt: c.dueAt.toISOString(),
  issuedAt: c.issuedAt?.toISOString() ?? null,
  status: cardStatus(c, now),
});

export function presentRegistration(r: Awaited<ReturnType<typeof readRecord>>, now: Date): z.infer<typeof registrationSchema> {
  return {
    caseId: r.row.id,
    number: r.row.number,
    state: r.row.state as z.infer<typeof registrationSchema>["state"],
    values: r.stored?.values ?? {},
    confirmed: r.stored?.confirmed ?? [],
    familyConsent: r.stored?.familyConsent ?? false,
    proposals: r.proposals,
    missing: r.missing,
    registeredAt: r.registeredAt?.toISOString() ?? null,
    cards: r.cards.map((c) => presentCard(c, now)),
    timeline: r.timeline.map((e) => ({ ...e, kind: e.kind as z.infer<typeof fateEventSchema>["kind"], recordedAt: e.recordedAt.toISOString() })),
  };
}

export const registerEntrySchema = z.object({
  caseId: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  art17Complete: z.boolean(),
  registeredAt: z.string().nullable(),
  nextCard: cardSchema.nullable(),
});
