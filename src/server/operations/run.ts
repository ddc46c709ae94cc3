import { randomUUID } from "node:crypto";
import { and, eq, inArray, max } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { messages } from "../db/schema.js";
import { addStaffMessage, messageContext, recordChange, transitionCase, withCaseKey } from "../cases/index.js";
import { encryptField } from "../crypto/index.js";
import { channelOutbox } from "../channels/tables.js";
import { openJson, sealJson } from "../channels/sealing.js";
import { queueChannelReply, wakeOutbox } from "../channels/outbox/outbox.js";
import { renderInstructions, renderReminder } from "./instructions.js";
import { confirmKeyboard } from "./applicant.js";
import type { ESCORT_STATES } from "./schema.js";
import { sealRow } from "./keys.js";
import { operationCases, operationEscortEvents, operationReminders, operations } from "./tables.js";
import { auditOperation, withOperation } from "./access.js";

/** Held outbox rows wait at this date until the reminder job releases them. */
const HELD_UNTIL = new Date("9999-12-31T00:00:00Z");
const reminderWhere = (id: string) => `operation_reminder:${id}`;

/**
 * Send each applicant of a planned operation his own instructions on his own channel (the case
 * reply path: Telegram and WhatsApp through the outbox, the web in his /return thread), queue
 * his reminders, and move his case to scheduled.
 */
export async function sendInstructions(ctx: AppContext, session: StaffSession, operationId: string) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ row, details }) => {
    if (row.state !== "planning") throw new AppError("conflict", "instructions are sent once, from planning");
    const links = await ctx.db.select().from(operationCases).where(eq(operationCases.operationId, operationId));
    const start = new Date(details.window.start);
    // The same texts and reminder times for every man of the group: rendered once.
    const instructions = renderInstructions(details, row.groupSize);
    const reminder = renderReminder(details);
    const dues = details.reminderMinutes.map((m) => new Date(start.getTime() - m * 60_000)).filter((d) => d > ctx.now());
    for (const link of links) {
      // In Telegram a button under the message confirms; elsewhere he replies (or presses it on /return).
      const sent = await addStaffMessage(ctx, session, link.caseId, "reply", instructions, { replyMarkup: confirmKeyboard() });
      const reminderIds = await queueReminders(ctx, session, operationId, link.caseId, reminder, dues);
      await ctx.db.update(operationCases).set({ instructionMessageIds: [sent.id, ...reminderIds] }).where(and(eq(operationCases.operationId, operationId), eq(operationCases.caseId, link.caseId)));
      await transitionCase(ctx, session, link.caseId, "scheduled", "");
    }
    await ctx.db.transaction(async (tx) => {
      await tx.update(operations).set({ state: "scheduled" }).where(eq(operations.id, operationId));
      await auditOperation(ctx, tx, session.user.id, "operation.instructed", operationId, { cases: links.length });
    });
    return { ok: true as const };
  });
}

/**
 * Reminder messages, written now (the case key is open now) and held until due: in the outbox
 * for a messenger, and for the web out of his /return thread (heldReminderIds) until the job
 * releases them. A phone case has nowhere to be reminded: its coordinator calls.
 */
async function queueReminders(ctx: AppContext, session: StaffSession, operationId: string, caseId: string, text: string, dues: Date[]): Promise<string[]> {
  if (!dues.length) return [];
  return withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    const messenger = row.channel === "telegram" || row.channel === "whatsapp";
    if (!messenger && row.channel !== "web") return [];
    const ids: string[] = [];
    await ctx.db.transaction(async (tx) => {
      for (const due of dues) {
        const id = randomUUID();
        await tx.insert(messages).values({ id, caseId, direction: "out", channel: row.channel, authorUserId: session.user.id, body: encryptField(caseKey, messageContext(caseId, id), text), createdAt: ctx.now(), deliveryState: messenger ? "queued" : null });
        if (messenger) {
          await queueChannelReply(ctx, tx, { caseId, messageId: id, text, caseKey, casePublicKey: row.publicKey });
          // Out of the chat's order: a held row first in line would stop every later message to him
          // (his confirmation's answer, a coordinator's reply) until the reminder's time.
          await tx.update(channelOutbox).set({ nextAttemptAt: HELD_UNTIL, chatKey: null }).where(eq(channelOutbox.messageId, id));
        }
        const rid = randomUUID();
        await tx.insert(operationReminders).values({ id: rid, operationId, messageId: id, due: sealJson(ctx, reminderWhere(rid), due.toISOString()) });
        ids.push(id);
      }
    });
    return ids;
  });
}

/** The reminder job (every minute): release the held outbox rows whose time has come. */
export async function releaseDueReminders(ctx: AppContext): Promise<number> {
  const rows = await ctx.db.select().from(operationReminders);
  const due = rows.filter((r) => new Date(String(openJson(ctx, reminderWhere(r.id), r.due))) <= ctx.now());
  if (!due.length) return 0;
  await ctx.db.transaction(async (tx) => {
    const ids = due.map((r) => r.messageId);
    await tx.update(channelOutbox).set({ nextAttemptAt: ctx.now() }).where(and(inArray(channelOutbox.messageId, ids), eq(channelOutbox.state, "queued")));
    // Dated when it reaches him, not when it was written (a web reminder shows on /return from now).
    await tx.update(messages).set({ createdAt: ctx.now() }).where(inArray(messages.id, ids));
    await tx.delete(operationReminders).where(inArray(operationReminders.id, due.map((r) => r.id)));
  });
  wakeOutbox();
  return due.length;
}

/** The applicant confirmed (his reply, his button): the coordinator sees it on the board. */
export async function recordConfirmation(ctx: AppContext, session: StaffSession, operationId: string, caseId: string) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ key }) => {
    const at = ctx.now().toISOString();
    await ctx.db.transaction(async (tx) => {
      const done = await tx
        .update(operationCases)
        .set({ confirmation: sealRow(key, operationId, "confirmation", caseId, { at }) })
        .where(and(eq(operationCases.operationId, operationId), eq(operationCases.caseId, caseId)))
        .returning({ caseId: operationCases.caseId });
      if (!done.length) throw new AppError("not_found", "no such case on this operation");
      await recordChange(ctx, tx, { actorId: session.user.id, action: "operation.confirmed", caseId, details: { operation: operationId }, notify: "case.updated" });
    });
    return { confirmedAt: at };
  });
}

/** One escort state, stamped now: the coordinator's two clicks on a phone during the crossing. */
export async function recordEscortState(ctx: AppContext, session: StaffSession, operationId: string, state: (typeof ESCORT_STATES)[number], note: string) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ key, row }) => {
    if (row.state !== "scheduled") throw new AppError("conflict", "the escort runs once the operation is scheduled");
    const id = randomUUID();
    const at = ctx.now().toISOString();
    await ctx.db.transaction(async (tx) => {
      const [last] = await tx.select({ seq: max(operationEscortEvents.seq) }).from(operationEscortEvents).where(eq(operationEscortEvents.operationId, operationId));
      await tx.insert(operationEscortEvents).values({ id, operationId, seq: (last?.seq ?? 0) + 1, entry: sealRow(key, operationId, "escort", id, { state, at, note }) });
      await auditOperation(ctx, tx, session.user.id, "operation.escort_recorded", operationId);
    });
    return { state, at, note };
  });
}
