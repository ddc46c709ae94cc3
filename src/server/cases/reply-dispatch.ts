import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { plugPoint } from "../plug-point.js";

/**
 * How a staff reply leaves on the applicant's channel. The channels capability provides it
 * (channels/outbox) and it is plugged in when the context opens (services.ts): the case core
 * never imports a capability, so the arrows keep pointing one way.
 */
export interface ReplyInput {
  caseId: string;
  messageId: string;
  text: string;
  caseKey: Buffer;
  casePublicKey: Buffer | null;
  /** Buttons under the message where the channel has them (a Telegram inline keyboard); others send the text alone. */
  replyMarkup?: unknown;
}

export interface ReplyDispatch {
  /** Queue the reply in the caller's transaction (it commits with the message, or not at all). */
  queue(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, input: ReplyInput): Promise<void>;
  /** After commit: deliver now rather than at the next poll. */
  wake(): void;
}

const slot = plugPoint<ReplyDispatch>("reply dispatch");
export const useReplyDispatch = slot.use;
/** The dispatch in use (plugged in at start-up). */
export const replyDispatch = slot.get;
