import { and, asc, eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import { messages } from "../../db/schema.js";
import { decryptFieldText } from "../../crypto/fields.js";
import { authorize } from "../../policy.js";
import type { SessionUser, StaffSession } from "../../auth/sessions.js";
import { AppError } from "../../errors.js";
import { findVisibleCase, recordChange, caseKeyring, messageContext, withCaseKey } from "../../cases/index.js";
import { channelOutbox } from "../tables.js";
import { queueChannelReply, wakeOutbox } from "./outbox.js";

/** What the console shows of a case's deliveries: states, attempts, error labels. Never a text or an address. */
export async function listDeliveries(ctx: AppContext, user: SessionUser, caseId: string) {
  authorize(user, "case", "read");
  await findVisibleCase(ctx.db, user, caseId);
  const rows = await ctx.db.select().from(channelOutbox).where(eq(channelOutbox.caseId, caseId)).orderBy(asc(channelOutbox.seq));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    messageId: r.messageId,
    state: r.state,
    attempts: r.attempts,
    lastErrorCode: r.lastErrorCode,
    nextAttemptAt: r.state === "retrying" ? r.nextAttemptAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
    doneAt: r.doneAt?.toISOString() ?? null,
  }));
}

/**
 * Send a failed reply again. Its queued payload was wiped when it failed, so the text is read
 * back from the thread with the staff member's case key and queued anew, to the applicant's
 * current messenger.
 */
export async function redeliverReply(ctx: AppContext, session: StaffSession, caseId: string, messageId: string) {
  authorize(session.user, "case", "reply");
  await withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    const [m] = await ctx.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.caseId, caseId)));
    if (!m || m.direction !== "out") throw new AppError("not_found", "no such reply");
    if (m.deliveryState !== "failed") throw new AppError("conflict", "only a failed reply can be sent again");
    const keyring = await caseKeyring(ctx.db, caseId, caseKey, row.publicKey);
    let text: string;
    try {
      text = decryptFieldText(await keyring.rowKey(m.sealedKey), messageContext(caseId, m.id), m.body);
    } finally {
      keyring.close();
    }
    await ctx.db.transaction(async (tx) => {
      // The failed parts make way for the new ones (and no longer count towards the message's state).
      await tx.update(channelOutbox).set({ state: "replaced" }).where(and(eq(channelOutbox.messageId, messageId), eq(channelOutbox.state, "failed")));
      await tx.update(messages).set({ deliveryState: "queued" }).where(eq(messages.id, messageId));
      await queueChannelReply(ctx, tx, { caseId, messageId, text, caseKey, casePublicKey: row.publicKey });
      await recordChange(ctx, tx, { actorId: session.user.id, action: "case.reply_redelivered", caseId, details: { message: messageId }, notify: null });
    });
  });
  wakeOutbox();
}
