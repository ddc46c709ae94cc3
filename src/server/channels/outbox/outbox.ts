import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { AppContext } from "../../context.js";
import type { Tx } from "../../audit/log.js";
import { messages } from "../../db/schema.js";
import { channelContacts, channelOutbox } from "../tables.js";
import { caseKeyring, type ReplyInput } from "../../cases/index.js";
import { channelKey, openJson, sealJson } from "../sealing.js";
import { openAddress, type ContactAddress } from "../address.js";

export type { ContactAddress } from "../address.js";

/**
 * The transactional outbox. A command that decides to talk to a messenger writes an outbox row
 * in its own transaction; the worker (worker.ts) makes the call afterwards, with retries. So a
 * reply is never sent for a message that was rolled back, and never lost for one that committed.
 */
export const OUTBOX_KINDS = ["telegram.send", "telegram.fetch", "whatsapp.send", "whatsapp.fetch"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxPayloads {
  /** A Bot API call: sendMessage (chat_id, text, reply_markup) or answerCallbackQuery. */
  "telegram.send": { method: "sendMessage" | "answerCallbackQuery"; params: Record<string, unknown> };
  /** A file the applicant sent, to fetch with getFile and store as an encrypted attachment. */
  "telegram.fetch": { fileId: string; name: string; type: string };
  "whatsapp.send": { via: string; to: string; text: string };
  "whatsapp.fetch": { mediaId: string; name: string; type: string };
}

export type OutboxRequest = { [K in OutboxKind]: { kind: K; payload: OutboxPayloads[K] } }[OutboxKind] & {
  caseId?: string;
  messageId?: string;
  /** Rows of one chat are delivered in order: pass the same key (see `chatOrderKey`). */
  chatKey?: Buffer;
};

export const payloadContext = (rowId: string) => `channel_outbox:${rowId}`;

/**
 * Keyed hash of a chat: groups its deliveries for ordering without storing the address. Made from
 * the contact's slow identity index, not the chat id: a fast hash of a chat id would be inverted
 * by trying every id with the key file.
 */
export function chatOrderKey(ctx: Pick<AppContext, "keys">, channel: string, identity: string): Buffer {
  return channelKey(ctx, "chat", channel, identity);
}

/** Where a text goes: the address, and the identity index that orders the chat's deliveries. */
export interface Recipient {
  address: ContactAddress;
  identity: string;
}

const wake = new EventEmitter();
wake.setMaxListeners(0);

/** Tell the worker of this process that rows are due (a hint: it also polls). Call after commit. */
export function wakeOutbox(): void {
  wake.emit("due");
}

export function onOutboxWake(listener: () => void): () => void {
  wake.on("due", listener);
  return () => wake.off("due", listener);
}

export async function enqueue(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, req: OutboxRequest): Promise<string> {
  const id = randomUUID();
  const now = ctx.now();
  await tx.insert(channelOutbox).values({
    id,
    kind: req.kind,
    caseId: req.caseId ?? null,
    messageId: req.messageId ?? null,
    chatKey: req.chatKey ?? null,
    payload: sealJson(ctx, payloadContext(id), req.payload),
    state: "queued",
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

export function openPayload<K extends OutboxKind>(ctx: Pick<AppContext, "keys">, rowId: string, _kind: K, sealed: Buffer): OutboxPayloads[K] {
  return openJson(ctx, payloadContext(rowId), sealed) as OutboxPayloads[K];
}


/**
 * Extension point for staff replies (called by cases/thread.ts inside the transaction that
 * stores the reply). The reply goes to the messenger the applicant last wrote from, among the
 * contacts verified on this very case: opened by that messenger, or linked with this case's own
 * receipt code. Never to the contacts of a case merged into it: the merge was an operator's
 * judgement from unverified values, and a fake applicant merged into a real case must not
 * receive its replies (issue 10, item 1). The message row's channel and delivery state say where
 * it went. A case with no messenger contact (web form, phone) is left as it is: the applicant
 * reads replies on the site. A reply meant for a messenger that has no contact is marked
 * failed, visibly, rather than silently kept.
 */
export async function queueChannelReply(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, input: ReplyInput): Promise<void> {
  const [contact] = await tx
    .select({ id: channelContacts.id, address: channelContacts.address, identity: channelContacts.identity })
    .from(channelContacts)
    .where(and(eq(channelContacts.caseId, input.caseId), inArray(channelContacts.channel, ["telegram", "whatsapp"]), isNotNull(channelContacts.address)))
    .orderBy(sql`${channelContacts.lastInboundAt} DESC NULLS LAST`, desc(channelContacts.createdAt))
    .limit(1);
  if (!contact?.address) {
    await tx
      .update(messages)
      .set({ deliveryState: "failed" })
      .where(and(eq(messages.id, input.messageId), eq(messages.deliveryState, "queued")));
    return;
  }
  // The address is sealed to the case: the replying staff member's case key opens it, and the
  // transport gets it in the outbox row, under the server key only until the row is final.
  const keyring = await caseKeyring(tx, input.caseId, input.caseKey, input.casePublicKey);
  let address: ContactAddress;
  try {
    address = await openAddress(keyring, input.caseId, contact.id, Buffer.from(contact.address));
  } finally {
    keyring.close();
  }
  await queueText(ctx, tx, { address, identity: contact.identity }, { caseId: input.caseId, messageId: input.messageId, text: input.text, ...(input.replyMarkup ? { replyMarkup: input.replyMarkup } : {}) });
  await tx.update(messages).set({ channel: address.channel, deliveryState: "queued" }).where(eq(messages.id, input.messageId));
}

/**
 * Queue a text to an address (a staff reply, a bot message with its buttons). Both messengers
 * take at most 4096 characters a message and staff may write more: a long text goes out as
 * several messages, in order, cut at a line or word break; the buttons ride on the last one.
 */
export async function queueText(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, to: Recipient, msg: { caseId?: string; messageId?: string; text: string; replyMarkup?: unknown }) {
  const { address } = to;
  const chatKey = chatOrderKey(ctx, address.channel, to.identity);
  const ref = { ...(msg.caseId ? { caseId: msg.caseId } : {}), ...(msg.messageId ? { messageId: msg.messageId } : {}) };
  const parts = splitText(msg.text, MAX_TEXT);
  for (const [i, text] of parts.entries()) {
    if (address.channel === "telegram") {
      const markup = msg.replyMarkup && i === parts.length - 1 ? { reply_markup: msg.replyMarkup } : {};
      await enqueue(ctx, tx, { kind: "telegram.send", payload: { method: "sendMessage", params: { chat_id: address.chatId, text, ...markup } }, chatKey, ...ref });
    } else {
      await enqueue(ctx, tx, { kind: "whatsapp.send", payload: { via: address.via, to: address.to, text }, chatKey, ...ref });
    }
  }
}

const MAX_TEXT = 4096;

export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = Math.max(rest.lastIndexOf("\n", max), rest.lastIndexOf(" ", max));
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--; // never split a surrogate pair (an emoji)
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, "");
  }
  parts.push(rest);
  return parts;
}

/**
 * A message's delivery state from its outbox rows (one, or several for a long text): failed if
 * any part failed, retrying if any waits for a retry, sent when all are sent, queued otherwise.
 */
export function messageDeliveryState(states: string[]): "failed" | "retrying" | "sent" | "queued" {
  const live = states.filter((s) => s !== "replaced");
  if (live.includes("failed")) return "failed";
  if (live.includes("retrying")) return "retrying";
  return live.length > 0 && live.every((s) => s === "sent") ? "sent" : "queued";
}
