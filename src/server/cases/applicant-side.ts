import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { plugPoint } from "../plug-point.js";

/** The channel on which the applicant confirmed his instructions. */
export type ConfirmVia = "telegram" | "whatsapp" | "web";

/**
 * What the applicant's channels (the bot, WhatsApp, the /return pages) need of the capability
 * that plans his handover: whether his words confirm it, recording that he did, and what of it
 * his /return thread shows. The operations capability provides it and it is plugged in when the
 * context opens (services.ts), so channels and intake import nothing above the case core.
 */
export interface ApplicantSide {
  /** The Telegram callback data of the confirm button under his instructions. */
  confirmCallback: string;
  /** Is this message his "I confirm"? */
  isConfirmation(text: string): boolean;
  /** Record his confirmation in the caller's transaction; false when there is nothing to confirm. */
  confirm(ctx: AppContext, tx: Tx, caseId: string, via: ConfirmVia): Promise<boolean>;
  /** For /return: the message holding his instructions and whether he confirmed them. */
  instructions(db: Pick<Db, "select">, caseId: string): Promise<{ messageId: string; confirmed: boolean } | null>;
  /** Messages of his thread held back until their time (reminders). */
  heldMessageIds(db: Pick<Db, "select">, caseId: string): Promise<string[]>;
}

const slot = plugPoint<ApplicantSide>("applicant side");
export const useApplicantSide = slot.use;
/** The applicant side in use; unplugged, a confirmation would pass for a plain message, so it throws. */
export const applicantSide = slot.get;
