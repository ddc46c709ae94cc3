import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import { decryptFieldText } from "../crypto/fields.js";
import { recordChange, withCaseKey } from "../cases/index.js";
import type { CardCopy, CardReason } from "../../shared/registration.js";
import { powCardSendings, powCards, powRecords } from "./tables.js";
import { renderCaptureCard } from "./card-pdf.js";
import { openRecord } from "./record-cipher.js";

/** Art. 70: the card goes out "not more than one week after arrival at a camp", and again on each change. */
export const CARD_DEADLINE_MS = 7 * 24 * 60 * 60 * 1000;
export const cardDueAt = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + CARD_DEADLINE_MS);
/** The day a card's clock started (arrival, transfer, admission, change of health): its deadline less the week. */
export const cardStartDay = (dueAt: Date) => new Date(dueAt.getTime() - CARD_DEADLINE_MS).toISOString().slice(0, 10);

type Card = typeof powCards.$inferSelect;
type Sending = typeof powCardSendings.$inferSelect;
/** A copy recorded as sent, its note opened (on his record only: the register has no case key). */
export type SentCopy = Omit<Sending, "note"> & { note?: string };
export type CardWithCopies = Card & { sent: Partial<Record<CardCopy, SentCopy>> };

export type CardStatus = "sent" | "due" | "overdue";
/** The clock stops only when the agency's copy is recorded as sent: a printed card not sent is still owed. */
export const cardStatus = (c: { dueAt: Date; sent: Partial<Record<CardCopy, unknown>> }, now: Date): CardStatus => (c.sent.agency ? "sent" : now.getTime() > c.dueAt.getTime() ? "overdue" : "due");

export const noteContext = (caseId: string, cardId: string, copy: CardCopy) => ({ caseId, table: "pow_card_sendings", field: "note", rowId: `${cardId}:${copy}` });

/**
 * Owe a new card from `day` (the day of arrival, transfer, admission or change of health). The
 * arrival card is owed once, however often the record is saved again.
 */
export async function openCardFor(tx: Tx, caseId: string, reason: CardReason, day: string) {
  if (reason === "arrival") {
    const [had] = await tx.select({ id: powCards.id }).from(powCards).where(and(eq(powCards.caseId, caseId), eq(powCards.reason, "arrival")));
    if (had) {
      // A corrected arrival date moves the deadline of a card not yet sent to the agency.
      const sent = await tx.select({ id: powCardSendings.cardId }).from(powCardSendings).where(and(eq(powCardSendings.cardId, had.id), eq(powCardSendings.copy, "agency")));
      if (!sent.length) await tx.update(powCards).set({ dueAt: cardDueAt(day) }).where(eq(powCards.id, had.id));
      return;
    }
  }
  await tx.insert(powCards).values({ caseId, reason, dueAt: cardDueAt(day) });
}

/** The sendings of these cards, by card; with the case key their notes are opened, without it left out. */
export async function sendingsOf(db: AppContext["db"] | Tx, cards: Card[], caseKey?: Buffer) {
  const rows = cards.length ? await db.select().from(powCardSendings).where(inArray(powCardSendings.cardId, cards.map((c) => c.id))) : [];
  const byCard = new Map<string, Partial<Record<CardCopy, SentCopy>>>();
  const caseOf = new Map(cards.map((c) => [c.id, c.caseId]));
  for (const { note, ...s } of rows) {
    const copy = s.copy as CardCopy;
    const opened: SentCopy = note && caseKey ? { ...s, note: decryptFieldText(caseKey, noteContext(caseOf.get(s.cardId)!, s.cardId, copy), note) } : s;
    byCard.set(s.cardId, { ...byCard.get(s.cardId), [copy]: opened });
  }
  return cards.map((c): CardWithCopies => ({ ...c, sent: byCard.get(c.id) ?? {} }));
}

/** One card of this case (another case's card id is no card here): 404 otherwise. */
export async function cardOfCase(db: AppContext["db"], caseId: string, cardId: string): Promise<Card> {
  const [card] = await db.select().from(powCards).where(and(eq(powCards.id, cardId), eq(powCards.caseId, caseId)));
  if (!card) throw notFound("no such card");
  return card;
}

export async function cardsOf(db: AppContext["db"], caseId: string, caseKey: Buffer) {
  return sendingsOf(db, await db.select().from(powCards).where(eq(powCards.caseId, caseId)).orderBy(asc(powCards.createdAt)), caseKey);
}

/**
 * Print one copy of a card: to the Central Tracing Agency always; to the family only if he
 * consented and named the person to be informed. Printing is not sending: the first print of a
 * copy is dated (a copy cannot be recorded as sent before it exists), and the card stays owed
 * until the registrar records it sent (card-sent.ts). Audited, every print.
 */
export async function printCard(ctx: AppContext, session: StaffSession, caseId: string, cardId: string, copy: CardCopy) {
  authorize(session.user, "pow_registration", "write");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey) => {
      const card = await cardOfCase(ctx.db, caseId, cardId);
      const [row] = await ctx.db.select().from(powRecords).where(eq(powRecords.caseId, caseId));
      if (!row?.art17Complete) throw new AppError("conflict", "the card is printed once the Art. 17 record is complete and confirmed");
      const record = openRecord(caseKey, caseId, row.ciphertext);
      if (copy === "family" && !record.familyConsent) throw new AppError("conflict", "he did not consent to a card to his family");
      const now = ctx.now();
      const pdf = await renderCaptureCard({ copy, reason: card.reason as CardReason, values: record.values, issuedOn: now.toISOString().slice(0, 10) });
      const first = copy === "agency" ? !card.printedAt : !card.familyPrintedAt;
      await ctx.db.transaction(async (tx) => {
        if (first) {
          const set = copy === "agency" ? { printedAt: now, printedBy: session.user.id } : { familyPrintedAt: now, familyPrintedBy: session.user.id };
          await tx.update(powCards).set(set).where(and(eq(powCards.id, cardId), isNull(copy === "agency" ? powCards.printedAt : powCards.familyPrintedAt)));
        }
        await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.card_printed", caseId, details: { card: cardId, copy, reason: card.reason }, notify: first ? "case.updated" : null });
      });
      return pdf;
    },
    { resource: "pow_registration", action: "write" },
  );
}
