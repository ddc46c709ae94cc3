import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { messages } from "../db/schema.js";
import { messageContext, transitionCaseIn, wakeReplies, withCaseKeys, writeStaffMessage } from "../cases/index.js";
import { encryptField } from "../crypto/index.js";
import { channelOutbox } from "../channels/tables.js";
import type { CaseState } from "../../shared/case-states.js";
import { cancellationText, removedText } from "./instructions.js";
import type { Details, OUTCOMES } from "./schema.js";
import { keepOperationRef } from "./case-refs.js";
import { operationCases, operationEscortEvents, operationKeys, operationReminders, operations } from "./tables.js";
import { openRow } from "./keys.js";
import { auditOperation, withOperation } from "./access.js";

type Outcome = (typeof OUTCOMES)[number];
type Link = typeof operationCases.$inferSelect;
type Opened = { caseId: string; caseKey: Buffer };

/**
 * Close an operation with its outcome: each case moves (handed over → on to registration;
 * no-show or aborted → planning again or closed), a called-off crossing is told to the applicants
 * who had instructions, and the details are destroyed (see shred). All of it is one transaction:
 * a failure half way (a case that may not move, a lost connection) leaves the operation whole and
 * readable, to be closed again, rather than some cases moved and the key already gone.
 */
export async function closeOperation(ctx: AppContext, session: StaffSession, operationId: string, input: { outcome: Outcome; reason: string; then: "planning" | "closed" }) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ key, row, details }) => {
    const links = await ctx.db.select().from(operationCases).where(eq(operationCases.operationId, operationId));
    const path: CaseState[] = input.outcome === "handed_over" ? ["handed_over"] : [input.outcome, input.then];
    // A crossing still being planned never happened: only calling it off moves its cases.
    const steps = row.state === "planning" && input.outcome !== "aborted" ? [] : path;
    const minutesPlanned = minutesBetween(row.createdAt, new Date(details.window.start));
    const escortMinutes = await escortDuration(ctx, key, operationId);
    await withCaseKeys(
      ctx,
      session,
      links.map((l) => l.caseId),
      (opened) =>
        ctx.db.transaction(async (tx) => {
          const [now] = await tx.select({ details: operations.details }).from(operations).where(eq(operations.id, operationId)).for("update");
          if (!now?.details) throw new AppError("conflict", "the operation was closed meanwhile");
          for (const open of opened) {
            for (const to of steps) await transitionCaseIn(ctx, tx, session, open, to, to === steps[0] ? input.reason : "");
            const link = links.find((l) => l.caseId === open.caseId)!;
            if (input.outcome === "aborted" && link.instructionMessageIds.length) await writeStaffMessage(ctx, tx, session, { row: open.row, caseKey: open.caseKey }, "reply", cancellationText());
            await removeInstructions(tx, open, link);
            // The claim for what he brought over still names this operation after the shredding.
            if (input.outcome === "handed_over") await keepOperationRef(tx, open, operationId);
          }
          await shred(tx, operationId);
          await tx
            .update(operations)
            .set({ state: "closed", closedAt: ctx.now(), summary: { date: details.window.start.slice(0, 10), oblast: details.sector.oblast, groupSize: row.groupSize, outcome: input.outcome, minutesPlanned, escortMinutes, minutesOpen: minutesBetween(row.createdAt, ctx.now()), ...expected(input.outcome, details) } })
            .where(eq(operations.id, operationId));
          await auditOperation(ctx, tx, session.user.id, "operation.closed", operationId, { outcome: input.outcome });
        }),
      { resource: "case", action: "transition" },
    );
    // Only after the commit: a rolled-back close sends no cancellation.
    if (input.outcome === "aborted") wakeReplies();
    return { ok: true as const };
  });
}

/**
 * The messages that carried instructions keep their place in the thread with "instructions
 * removed after the operation" instead; whatever of them the outbox has not delivered yet is
 * dropped (a delivered row keeps no payload).
 */
async function removeInstructions(tx: Tx, open: Opened, link: Link) {
  const ids = link.instructionMessageIds;
  if (!ids.length) return;
  for (const id of ids) await tx.update(messages).set({ body: encryptField(open.caseKey, messageContext(link.caseId, id), removedText()), sealedKey: null }).where(and(eq(messages.id, id), eq(messages.caseId, link.caseId)));
  await tx.delete(channelOutbox).where(and(inArray(channelOutbox.messageId, ids), notInArray(channelOutbox.state, ["sent", "done"])));
  await tx.update(messages).set({ deliveryState: "failed" }).where(and(inArray(messages.id, ids), eq(messages.deliveryState, "queued")));
}

/** The codes outlive the key (what a reward claim may ask for is not who brought it); the note does not. */
const expected = (outcome: Outcome, d: Details) => (outcome === "handed_over" && d.equipment.length ? { equipment: d.equipment } : {});

const minutesBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 60_000);

/**
 * The escort's length, from its first recorded state (the launch) to its last (handed over, or
 * wherever it stopped): read before the timeline is shredded, kept as a bare number. Null when no
 * escort was recorded (a no-show before launch, a crossing called off in planning).
 */
async function escortDuration(ctx: AppContext, key: Buffer, operationId: string): Promise<number | null> {
  const rows = await ctx.db.select().from(operationEscortEvents).where(eq(operationEscortEvents.operationId, operationId)).orderBy(asc(operationEscortEvents.seq));
  const times = rows.map((e) => new Date((openRow(key, operationId, "escort", e.id, e.entry) as { at: string }).at));
  return times.length ? minutesBetween(times[0]!, times.at(-1)!) : null;
}

/**
 * Crypto-shredding: every sealed copy of the operation key goes, with the details, the escort
 * timeline, the confirmations, the links to the cases and the held reminders.
 */
async function shred(tx: Tx, operationId: string) {
  await tx.delete(operationReminders).where(eq(operationReminders.operationId, operationId));
  await tx.delete(operationEscortEvents).where(eq(operationEscortEvents.operationId, operationId));
  await tx.delete(operationCases).where(eq(operationCases.operationId, operationId));
  await tx.delete(operationKeys).where(eq(operationKeys.operationId, operationId));
  await tx.update(operations).set({ details: null }).where(eq(operations.id, operationId));
}
