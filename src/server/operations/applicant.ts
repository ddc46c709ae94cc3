import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { messages } from "../db/schema.js";
import { recordChange, type ApplicantSide, type ConfirmVia } from "../cases/index.js";
import { openJson, sealJson } from "../channels/sealing.js";
import { CATALOGS, LANGS } from "../intake/i18n.js";
import { operationCases, operationReminders, operations } from "./tables.js";

/**
 * The applicant's side of an operation: he confirms his instructions (a Telegram button, a
 * WhatsApp reply, the button on /return) and reads them on /return. None of it holds the
 * operation key, which only the people on the operation have: his confirmation is kept under
 * the server key (as the reminders' due times are) and goes with the rest at close.
 */
export type ApplicantConfirmation = { at: string; via: ConfirmVia };

const sealedWhere = (operationId: string, caseId: string) => `operation_confirmation:${operationId}:${caseId}`;

/** The link of this case to the operation that has sent him instructions and is still to happen. */
async function scheduledLink(db: Pick<Db, "select">, caseId: string) {
  const [link] = await db
    .select({ operationId: operationCases.operationId, instructionMessageIds: operationCases.instructionMessageIds, applicantConfirmation: operationCases.applicantConfirmation })
    .from(operationCases)
    .innerJoin(operations, eq(operations.id, operationCases.operationId))
    .where(and(eq(operationCases.caseId, caseId), eq(operations.state, "scheduled")))
    .limit(1);
  return link && link.instructionMessageIds.length > 0 ? link : null;
}

/**
 * He confirms. True when his case has instructions to confirm (a second confirmation keeps the
 * first time and is answered the same); false when there is nothing to confirm, and then the
 * caller treats his words as an ordinary message. Audited without the time.
 */
export async function confirmFromApplicant(ctx: AppContext, tx: Tx, caseId: string, via: ConfirmVia): Promise<boolean> {
  const link = await scheduledLink(tx, caseId);
  if (!link) return false;
  if (link.applicantConfirmation) return true;
  const value: ApplicantConfirmation = { at: ctx.now().toISOString(), via };
  await tx
    .update(operationCases)
    .set({ applicantConfirmation: sealJson(ctx, sealedWhere(link.operationId, caseId), value) })
    .where(and(eq(operationCases.operationId, link.operationId), eq(operationCases.caseId, caseId)));
  await recordChange(ctx, tx, { actorId: null, action: "operation.applicant_confirmed", caseId, details: { operation: link.operationId, via }, notify: "case.updated" });
  return true;
}

/** What the coordinator sees of his confirmation. */
export function openApplicantConfirmation(ctx: AppContext, operationId: string, caseId: string, sealed: Buffer | null): ApplicantConfirmation | null {
  return sealed ? (openJson(ctx, sealedWhere(operationId, caseId), sealed) as ApplicantConfirmation) : null;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/ё/g, "е")
    .replace(/[.!,;:«»"“”'()]/g, "")
    .replace(/\s+/g, " ")
    .trim();
const CONFIRM_WORDS = new Set(LANGS.flatMap((l) => CATALOGS[l].operations.confirmWords.map(normalise)));

/** Is this message his "I confirm" (in any of the applicant languages)? Nothing looser: a "yes" may answer something else. */
export const isConfirmation = (text: string) => CONFIRM_WORDS.has(normalise(text));

/** The Telegram button under his instructions; the press comes back as this callback. */
export const CONFIRM_CALLBACK = "operation:confirm";
export const confirmKeyboard = () => ({ inline_keyboard: [[{ text: CATALOGS.ru.operations.confirmButton, callback_data: CONFIRM_CALLBACK }]] });

/** For /return: which message holds his instructions, and whether he has confirmed them. */
export async function applicantInstructions(db: Pick<Db, "select">, caseId: string): Promise<{ messageId: string; confirmed: boolean } | null> {
  const link = await scheduledLink(db, caseId);
  return link ? { messageId: link.instructionMessageIds[0]!, confirmed: link.applicantConfirmation !== null } : null;
}

/** His reminders still held until their time: his /return thread must not show them early. */
export async function heldReminderIds(db: Pick<Db, "select">, caseId: string): Promise<string[]> {
  const rows = await db.select({ id: operationReminders.messageId }).from(operationReminders).innerJoin(messages, eq(messages.id, operationReminders.messageId)).where(eq(messages.caseId, caseId));
  return rows.map((r) => r.id);
}

/** What the channels and /return use of all this, plugged in at start-up (services.ts). */
export const operationsApplicantSide: ApplicantSide = {
  confirmCallback: CONFIRM_CALLBACK,
  isConfirmation,
  confirm: confirmFromApplicant,
  instructions: applicantInstructions,
  heldMessageIds: heldReminderIds,
};
