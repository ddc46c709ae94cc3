import { and, asc, eq, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import { recordChange, withCaseKey } from "../cases/index.js";
import type { CardReason } from "../../shared/registration.js";
import { powCards, powRecords } from "./tables.js";
import { renderCaptureCard } from "./card-pdf.js";
import { openRecord } from "./record-cipher.js";

/** Art. 70: the card goes out "not more than one week after arrival at a camp", and again on each change. */
export const CARD_DEADLINE_MS = 7 * 24 * 60 * 60 * 1000;
export const cardDueAt = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + CARD_DEADLINE_MS);

export type CardStatus = "issued" | "due" | "overdue";
export const cardStatus = (c: { issuedAt: Date | null; dueAt: Date }, now: Date): CardStatus => (c.issuedAt ? "issued" : now.getTime() > c.dueAt.getTime() ? "overdue" : "due");

/**
 * Owe a new card from `day` (the day of arrival, transfer, admission or change of health). The
 * arrival card is owed once, however often the record is saved again.
 */
export async function openCardFor(tx: Tx, caseId: string, reason: CardReason, day: string) {
  if (reason === "arrival") {
    const [had] = await tx.select({ id: powCards.id }).from(powCards).where(and(eq(powCards.caseId, caseId), eq(powCards.reason, "arrival")));
    if (had) {
      // A corrected arrival date moves the deadline of a card not yet sent.
      await tx.update(powCards).set({ dueAt: cardDueAt(day) }).where(and(eq(powCards.id, had.id), isNull(powCards.issuedAt)));
      return;
    }
  }
  await tx.insert(powCards).values({ caseId, reason, dueAt: cardDueAt(day) });
}

export async function cardsOf(db: AppContext["db"], caseId: string) {
  return db.select().from(powCards).where(eq(powCards.caseId, caseId)).orderBy(asc(powCards.createdAt));
}

/**
 * Print one copy of a card: to the Central Tracing Agency always; to the family only if he
 * consented and named the person to be informed. The first print of a copy marks that copy sent
 * (the agency's copy makes the card issued); printing one never marks the other. Audited.
 */
export async function printCard(ctx: AppContext, session: StaffSession, caseId: string, cardId: string, copy: "family" | "agency") {
  authorize(session.user, "pow_registration", "write");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey) => {
      const [card] = await ctx.db.select().from(powCards).where(and(eq(powCards.id, cardId), eq(powCards.caseId, caseId)));
      if (!card) throw notFound("no such card");
      const [row] = await ctx.db.select().from(powRecords).where(eq(powRecords.caseId, caseId));
      if (!row?.art17Complete) throw new AppError("conflict", "the card is printed once the Art. 17 record is complete and confirmed");
      const record = openRecord(caseKey, caseId, row.ciphertext);
      if (copy === "family" && !record.familyConsent) throw new AppError("conflict", "he did not consent to a card to his family");
      const now = ctx.now();
      const pdf = await renderCaptureCard({ copy, reason: card.reason as CardReason, values: record.values, issuedOn: now.toISOString().slice(0, 10) });
      const first = copy === "agency" ? !card.issuedAt : !card.familyIssuedAt;
      await ctx.db.transaction(async (tx) => {
        if (first) await tx.update(powCards).set(copy === "agency" ? { issuedAt: now, issuedBy: session.user.id } : { familyIssuedAt: now, familyIssuedBy: session.user.id }).where(eq(powCards.id, cardId));
        await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.card_printed", caseId, details: { card: cardId, copy, reason: card.reason }, notify: first ? "case.updated" : null, ...(first ? { event: { kind: "pow.card_sent" } } : {}) });
      });
      return pdf;
    },
    { resource: "pow_registration", action: "write" },
  );
}
