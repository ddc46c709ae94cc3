import { eq } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Tx } from "../../audit/log.js";
import { channelDialogs } from "../tables.js";
import { openJsonWith, sealJsonWith } from "../sealing.js";
import { isCryptoError } from "../../crypto/errors.js";
import type { Answers, DialogStep } from "./questionnaire.js";

/**
 * The bot's memory of a conversation in progress: the step it waits on and the answers so far,
 * sealed with the applicant's identity secret (identity.ts): only an update from him (which
 * carries his Telegram id) opens them, not the server's key file.
 */
const where = (contactId: string) => `channel_dialogs:${contactId}`;

export async function readDialog(tx: Pick<Tx, "select">, secret: Buffer, contactId: string): Promise<{ step: DialogStep; answers: Answers } | null> {
  const [row] = await tx.select().from(channelDialogs).where(eq(channelDialogs.contactId, contactId));
  if (!row) return null;
  try {
    return { step: row.step as DialogStep, answers: openJsonWith(secret, where(contactId), row.answers) as Answers };
  } catch (err) {
    // Sealed by an earlier version, or altered: start the questionnaire afresh rather than fail every update.
    if (isCryptoError(err)) return null;
    throw err;
  }
}

export async function saveDialog(ctx: Pick<AppContext, "now">, tx: Tx, secret: Buffer, contactId: string, step: DialogStep, answers: Answers): Promise<void> {
  const values = { step, answers: sealJsonWith(secret, where(contactId), answers), updatedAt: ctx.now() };
  await tx
    .insert(channelDialogs)
    .values({ contactId, ...values })
    .onConflictDoUpdate({ target: channelDialogs.contactId, set: values });
}

export async function endDialog(tx: Tx, contactId: string): Promise<void> {
  await tx.delete(channelDialogs).where(eq(channelDialogs.contactId, contactId));
}
