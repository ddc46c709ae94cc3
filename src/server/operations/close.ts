import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { messages } from "../db/schema.js";
import { addStaffMessage, messageContext, transitionCase, withCaseKey } from "../cases/index.js";
import { encryptField } from "../crypto/index.js";
import { channelOutbox } from "../channels/tables.js";
import type { CaseState } from "../../shared/case-states.js";
import { cancellationText, removedText } from "./instructions.js";
import type { OUTCOMES } from "./schema.js";
import { operationCases, operationEscortEvents, operationKeys, operationReminders, operations } from "./tables.js";
import { auditOperation, withOperation } from "./access.js";

type Outcome = (typeof OUTCOMES)[number];

/**
 * Close an operation with its outcome: each case moves (handed over → on to registration;
 * no-show or aborted → planning again or closed), a called-off crossing is told to the applicants
 * who had instructions, and then the details are destroyed (see shred).
 */
export async function closeOperation(ctx: AppContext, session: StaffSession, operationId: string, input: { outcome: Outcome; reason: string; then: "planning" | "closed" }) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ row, details }) => {
    const links = await ctx.db.select().from(operationCases).where(eq(operationCases.operationId, operationId));
    const path: CaseState[] = input.outcome === "handed_over" ? ["handed_over"] : [input.outcome, input.then];
    for (const link of links) {
      const steps = row.state === "planning" && input.outcome !== "aborted" ? [] : path;
      for (const to of steps) await transitionCase(ctx, session, link.caseId, to, to === steps[0] ? input.reason : "");
      if (input.outcome === "aborted" && link.instructionMessageIds.length) await addStaffMessage(ctx, session, link.caseId, "reply", cancellationText());
    }
    const minutesPlanned = Math.round((new Date(details.window.start).getTime() - row.createdAt.getTime()) / 60_000);
    await shred(ctx, session, operationId, links);
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(operations)
        .set({ state: "closed", closedAt: ctx.now(), summary: { date: details.window.start.slice(0, 10), oblast: details.sector.oblast, groupSize: row.groupSize, outcome: input.outcome, minutesPlanned } })
        .where(eq(operations.id, operationId));
      await auditOperation(ctx, tx, session.user.id, "operation.closed", operationId, { outcome: input.outcome });
    });
    return { ok: true as const };
  });
}

/**
 * Crypto-shredding: every sealed copy of the operation key goes, with the details, the escort
 * timeline, the confirmations, the links to the cases and the held reminders; the messages that carried instructions
 * keep their place in the thread with "instructions removed after the operation" instead, and
 * whatever of them the outbox has not delivered yet is dropped (a delivered row keeps no payload).
 */
async function shred(ctx: AppContext, session: StaffSession, operationId: string, links: (typeof operationCases.$inferSelect)[]) {
  for (const link of links) {
    const ids = link.instructionMessageIds;
    if (!ids.length) continue;
    await withCaseKey(ctx, session, link.caseId, async (caseKey) => {
      await ctx.db.transaction(async (tx) => {
        for (const id of ids) await tx.update(messages).set({ body: encryptField(caseKey, messageContext(link.caseId, id), removedText()), sealedKey: null }).where(and(eq(messages.id, id), eq(messages.caseId, link.caseId)));
        await tx.delete(channelOutbox).where(and(inArray(channelOutbox.messageId, ids), notInArray(channelOutbox.state, ["sent", "done"])));
        await tx.update(messages).set({ deliveryState: "failed" }).where(and(inArray(messages.id, ids), eq(messages.deliveryState, "queued")));
      });
    });
  }
  await ctx.db.transaction(async (tx) => {
    await tx.delete(operationReminders).where(eq(operationReminders.operationId, operationId));
    await tx.delete(operationEscortEvents).where(eq(operationEscortEvents.operationId, operationId));
    await tx.delete(operationCases).where(eq(operationCases.operationId, operationId));
    await tx.delete(operationKeys).where(eq(operationKeys.operationId, operationId));
    await tx.update(operations).set({ details: null }).where(eq(operations.id, operationId));
  });
}
