import { eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Tx } from "../../audit/log.js";
import { channelDialogs } from "../tables.js";
import { openJson, sealJson } from "../sealing.js";
import type { Answers, DialogStep } from "./questionnaire.js";

/** The bot's memory of a conversation in progress: the step it waits on and the answers so far (sealed). */
const where = (contactId: string) => `channel_dialogs:${contactId}`;

export async function readDialog(ctx: AppContext, tx: Pick<Tx, "select">, contactId: string): Promise<{ step: DialogStep; answers: Answers } | null> {
  const [row] = await tx.select().from(channelDialogs).where(eq(channelDialogs.contactId, contactId));
  return row ? { step: row.step as DialogStep, answers: openJson(ctx, where(contactId), row.answers) as Answers } : null;
}

export async function saveDialog(ctx: AppContext, tx: Tx, contactId: string, step: DialogStep, answers: Answers): Promise<void> {
  const values = { step, answers: sealJson(ctx, where(contactId), answers), updatedAt: ctx.now() };
  await tx
    .insert(channelDialogs)
    .values({ contactId, ...values })
    .onConflictDoUpdate({ target: channelDialogs.contactId, set: values });
}

export async function endDialog(tx: Tx, contactId: string): Promise<void> {
  await tx.delete(channelDialogs).where(eq(channelDialogs.contactId, contactId));
}
