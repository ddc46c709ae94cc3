import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { encryptField } from "../crypto/fields.js";
import { recordChange, withCaseKey } from "../cases/index.js";
import { staffToday } from "../../shared/zoned-time.js";
import type { CardSent } from "../../shared/registration.js";
import { powCardSendings, powRecords } from "./tables.js";
import { cardOfCase, cardStartDay, noteContext, sendingsOf } from "./cards.js";
import { openRecord } from "./record-cipher.js";

const badDay = (message: string) => new AppError("validation_failed", message, [{ path: "sentOn", message }]);

/**
 * Record that one copy of a card went out (Art. 70): the day, the way, an optional note. Only this
 * stops the card's clock; a print does not. A copy is sent once, after it was printed (it did not
 * exist before), never on a day to come, nor before the day the card's clock started (his arrival,
 * or the transfer, admission or change of health that owed it) or the day it was printed. The
 * family's copy only with his consent. Audited with the codes and the day; the note stays in the
 * encrypted row.
 */
export async function markCardSent(ctx: AppContext, session: StaffSession, caseId: string, cardId: string, input: CardSent) {
  authorize(session.user, "pow_registration", "write");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey) => {
      const card = await cardOfCase(ctx.db, caseId, cardId);
      const { copy, sentOn, via, note } = input;
      if (copy === "family") {
        const [row] = await ctx.db.select({ ciphertext: powRecords.ciphertext }).from(powRecords).where(eq(powRecords.caseId, caseId));
        if (!row || !openRecord(caseKey, caseId, row.ciphertext).familyConsent) throw new AppError("conflict", "he did not consent to a card to his family");
      }
      const printedAt = copy === "agency" ? card.printedAt : card.familyPrintedAt;
      if (!printedAt) throw new AppError("conflict", "this copy has not been printed yet; print it, send it, then record it sent");
      if ((await sendingsOf(ctx.db, [card]))[0]!.sent[copy]) throw new AppError("conflict", "this copy is already recorded as sent");
      const now = ctx.now();
      if (sentOn > staffToday(now)) throw badDay("the day it was sent is still to come");
      if (sentOn < cardStartDay(card.dueAt)) throw badDay("the day it was sent is before the card was owed (his arrival, or the event that owed it)");
      if (sentOn < staffToday(printedAt)) throw badDay("the day it was sent is before the copy was printed");
      return ctx.db.transaction(async (tx) => {
        const row = { cardId, copy, sentOn, via, note: note ? encryptField(caseKey, noteContext(caseId, cardId, copy), note) : null, recordedBy: session.user.id, recordedAt: now };
        // The key (card, copy) makes a second record of the same sending fail, however close two clicks come.
        const inserted = await tx.insert(powCardSendings).values(row).onConflictDoNothing().returning({ cardId: powCardSendings.cardId });
        if (!inserted.length) throw new AppError("conflict", "this copy is already recorded as sent");
        await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.card_sent", caseId, details: { card: cardId, copy, reason: card.reason, sentOn, via }, notify: "case.updated", event: { kind: "pow.card_sent" } });
        return { copy, sentOn, via };
      });
    },
    { resource: "pow_registration", action: "write" },
  );
}
