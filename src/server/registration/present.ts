import type { z } from "zod";
import type { cardSchema, fateEventSchema, registrationSchema } from "../../shared/api/registration.js";
import { cardStatus } from "./cards.js";
import type { readRecord } from "./record.js";
import type { powCards } from "./tables.js";

type Card = typeof powCards.$inferSelect;
export const presentCard = (c: Card, now: Date): z.infer<typeof cardSchema> => ({
  id: c.id,
  reason: c.reason as z.infer<typeof cardSchema>["reason"],
  dueAt: c.dueAt.toISOString(),
  issuedAt: c.issuedAt?.toISOString() ?? null,
  familyIssuedAt: c.familyIssuedAt?.toISOString() ?? null,
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


export { registerEntrySchema, registrationSchema } from "../../shared/api/registration.js";
