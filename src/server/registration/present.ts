import type { z } from "zod";
import type { cardCopySchema, cardSchema, fateEventSchema, registrationSchema } from "../../shared/api/registration.js";
import { cardStatus, type CardWithCopies, type SentCopy } from "./cards.js";
import type { readRecord } from "./record.js";

type CopyOut = z.infer<typeof cardCopySchema>;
const presentCopy = (printedAt: Date | null, s: SentCopy | undefined): CopyOut => ({
  printedAt: printedAt?.toISOString() ?? null,
  sent: s ? { on: s.sentOn, via: s.via as NonNullable<CopyOut["sent"]>["via"], recordedAt: s.recordedAt.toISOString(), ...(s.note ? { note: s.note } : {}) } : null,
});

export const presentCard = (c: CardWithCopies, now: Date): z.infer<typeof cardSchema> => ({
  id: c.id,
  reason: c.reason as z.infer<typeof cardSchema>["reason"],
  dueAt: c.dueAt.toISOString(),
  status: cardStatus(c, now),
  agency: presentCopy(c.printedAt, c.sent.agency),
  family: presentCopy(c.familyPrintedAt, c.sent.family),
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
