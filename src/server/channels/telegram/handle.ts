import { eq } from "drizzle-orm";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../context.js";
import { appendInboundMessage, applicantSide } from "../../cases/index.js";
import { channelMessageRefs } from "../tables.js";
import { channelKey } from "../sealing.js";
import { alreadyProcessed, appendChannelRecord, claimVerifiedPhone, inUpdateTransaction, isStale, openConversation, type Conversation, type DbTx } from "../conversation.js";
import { channelIdentity, findContact, lockIdentity, type ChannelIdentity } from "../identity.js";
import { wipe } from "../../crypto/secure.js";
import { checkReceipt, linkIdentity, looksLikeCodeAttempt, looksLikeReceipt, type ReceiptCheck } from "../link.js";
import { chatOrderKey, enqueue, queueText, wakeOutbox, type ContactAddress } from "../outbox/outbox.js";
import { fill, locationLine, mediaLine, texts, type MediaKind } from "./catalog.js";
import { endDialog, readDialog, saveDialog } from "./dialog.js";
import { answerButton, answerGroupCount, isQuestionStep, question, summarise, type Step } from "./questionnaire.js";
import type { TgCallbackQuery, TgMessage, TgUpdate } from "./schema.js";
import { CATALOGS } from "../../intake/i18n.js";

/**
 * One Telegram update, applied once. Private chats only: a group or channel update is ignored
 * without a reply (the bot must not talk where others read). The effects (case, messages, bot
 * replies queued in the outbox, attachment fetches) and the processed-update marker commit in
 * one transaction; the webhook answers Telegram after that.
 */
export type UpdateOutcome = "processed" | "duplicate" | "ignored" | "stale";

type TgUser = NonNullable<TgMessage["from"]>;
type Event = { kind: "message"; message: TgMessage; from: TgUser; edited: boolean } | { kind: "callback"; query: TgCallbackQuery; from: TgUser; chatId: number };
type LinkResult = { kind: "prompt" } | ReceiptCheck;

function classify(u: TgUpdate): Event | null {
  const m = u.message ?? u.edited_message;
  if (m) {
    if (m.chat.type !== "private" || !m.from || m.from.is_bot || m.chat.id !== m.from.id) return null;
    return { kind: "message", message: m, from: m.from, edited: !u.message };
  }
  const q = u.callback_query;
  if (q?.message && q.message.chat.type === "private" && !q.from.is_bot && q.message.chat.id === q.from.id) return { kind: "callback", query: q, from: q.from, chatId: q.message.chat.id };
  return null;
}

export async function handleTelegramUpdate(ctx: AppContext, update: TgUpdate): Promise<UpdateOutcome> {
  const event = classify(update);
  if (!event) return "ignored";
  if (isStale(ctx, sentAt(event))) return "stale";
  const key = channelKey(ctx, "telegram", botId(ctx), update.update_id);
  // A redelivery is common (Telegram retries) and the identity costs an Argon2id run: skip it early.
  // The marker written in the transaction below still decides when two deliveries race.
  if (await alreadyProcessed(ctx, key)) return "duplicate";
  const who = await channelIdentity(ctx, "telegram", String(event.from.id));
  if (!who) return "ignored";
  try {
    const text = event.kind === "message" && !event.edited ? event.message.text : undefined;
    // A receipt code is checked (Argon2id, slow) before the transaction opens, and only once.
    const link = text !== undefined ? await linkAttempt(ctx, who, text) : null;
    const result = await inUpdateTransaction(ctx, "telegram", key, async (tx) => {
      const turn = new Turn(ctx, tx, event.kind === "message" ? event.message.chat.id : event.chatId, event.from, who);
      if (event.kind === "callback") return turn.onCallback(event.query);
      if (link) return turn.onLink(link);
      return turn.onMessage(event.message, event.edited);
    });
    if (result.duplicate) return "duplicate";
  } finally {
    wipe(who.secret);
  }
  wakeOutbox();
  return "processed";
}

/**
 * When Telegram says the update happened: an edit by its edit date, a button press by the date
 * of the message it sits on (0 for a message Telegram no longer shows: such a press is not taken).
 */
function sentAt(e: Event): number | undefined {
  if (e.kind === "message") return e.edited ? (e.message.edit_date ?? e.message.date) : e.message.date;
  return e.query.message?.date;
}

const botId = (ctx: AppContext) => (ctx.config.telegramBotToken ?? "").split(":")[0] ?? "";

/** Is this text a receipt code (or "/link …", or a try at one after "send your code")? If so, check it now. */
async function linkAttempt(ctx: AppContext, who: ChannelIdentity, text: string): Promise<LinkResult | null> {
  const identity = who.index;
  let code: string | null = null;
  const command = /^\/link(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (command) code = command[1]?.trim() ?? "";
  else if (looksLikeReceipt(text)) code = text;
  else if (looksLikeCodeAttempt(text)) {
    const contact = await findContact(ctx.db, "telegram", identity);
    if (contact && (await readDialog(ctx.db, who.secret, contact.id))?.step === "link") code = text;
  }
  if (code === null) return null;
  return code === "" ? { kind: "prompt" } : checkReceipt(ctx, identity, code);
}

const menuKeyboard = (): InlineKeyboardMarkup => ({
  inline_keyboard: [
    [{ text: texts.start.buttons.questionnaire, callback_data: "menu:questionnaire" }],
    [{ text: texts.start.buttons.write, callback_data: "menu:write" }],
    [{ text: texts.start.buttons.link, callback_data: "menu:link" }],
  ],
});

function mediaOf(m: TgMessage): { kind: MediaKind; fileId: string; name: string; type: string } | null {
  const n = m.message_id;
  if (m.photo) {
    const best = m.photo.reduce((a, b) => ((b.file_size ?? b.width * b.height) > (a.file_size ?? a.width * a.height) ? b : a));
    return { kind: "photo", fileId: best.file_id, name: `photo-${n}.jpg`, type: "image/jpeg" };
  }
  if (m.document) return { kind: "document", fileId: m.document.file_id, name: m.document.file_name ?? `document-${n}`, type: m.document.mime_type ?? "application/octet-stream" };
  if (m.voice) return { kind: "voice", fileId: m.voice.file_id, name: `voice-${n}.ogg`, type: m.voice.mime_type ?? "audio/ogg" };
  if (m.audio) return { kind: "audio", fileId: m.audio.file_id, name: m.audio.file_name ?? `audio-${n}`, type: m.audio.mime_type ?? "audio/mpeg" };
  if (m.video) return { kind: "video", fileId: m.video.file_id, name: m.video.file_name ?? `video-${n}.mp4`, type: m.video.mime_type ?? "video/mp4" };
  if (m.video_note) return { kind: "video_note", fileId: m.video_note.file_id, name: `video-note-${n}.mp4`, type: "video/mp4" };
  return null;
}

/** What one message puts into the thread, or null for a kind the bot does not take (sticker, poll…). */
function threadLine(m: TgMessage): string | null {
  const media = mediaOf(m);
  if (media) return mediaLine(media.kind, m.caption);
  if (m.text !== undefined) return m.text;
  if (m.location) return locationLine(m.location.latitude, m.location.longitude, m.location.horizontal_accuracy);
  if (m.contact) return fill(texts.formats.contact, { name: [m.contact.first_name, m.contact.last_name].filter(Boolean).join(" "), phone: m.contact.phone_number });
  return null;
}

/** The work of one update inside its transaction. */
class Turn {
  private conv: Conversation | null = null;
  private readonly address: ContactAddress;
  private readonly at: Date;

  private readonly identity: string;
  private readonly secret: Buffer;

  constructor(
    private readonly ctx: AppContext,
    private readonly tx: DbTx,
    chatId: number,
    private readonly from: TgUser,
    who: ChannelIdentity,
  ) {
    this.address = { channel: "telegram", chatId };
    this.identity = who.index;
    this.secret = who.secret;
    this.at = ctx.now();
  }

  private async open(): Promise<Conversation> {
    const from = this.from;
    this.conv ??= await openConversation(this.ctx, this.tx, {
      channel: "telegram",
      identity: this.identity,
      address: this.address,
      at: this.at,
      newCase: () => ({
        sections: { contact: { preferred: "telegram", telegram_id: String(from.id), telegram_name: [from.first_name, from.last_name].filter(Boolean).join(" "), ...(from.username ? { telegram_username: from.username } : {}) } },
        identifiers: { telegram_id: String(from.id), ...(from.username ? { telegram_username: from.username } : {}) },
      }),
    });
    return this.conv;
  }

  /** The bot speaks: into the thread when there is a case, and always into the outbox. */
  private async say(text: string, keyboard?: InlineKeyboardMarkup) {
    const c = this.conv;
    const msg = c ? await appendChannelRecord(this.ctx, this.tx, { caseId: c.caseId, casePublicKey: c.casePublicKey, channel: "telegram", direction: "out", text, at: this.at }) : null;
    await queueText(this.ctx, this.tx, { address: this.address, identity: this.identity }, { ...(c ? { caseId: c.caseId } : {}), ...(msg ? { messageId: msg.id } : {}), text, ...(keyboard ? { replyMarkup: keyboard } : {}) });
  }

  /** The applicant speaks: an inbound message sealed to the case; a Telegram message id is remembered for edits. */
  private async hear(text: string, telegramMessageId?: number, replacesId?: string): Promise<string> {
    const c = await this.open();
    const { id } = await appendInboundMessage(this.ctx, this.tx, { caseId: c.caseId, casePublicKey: c.casePublicKey, channel: "telegram", text, at: this.at, ...(replacesId ? { replacesId } : {}) });
    if (telegramMessageId !== undefined) {
      const key = this.refKey(telegramMessageId);
      await this.tx.insert(channelMessageRefs).values({ key, messageId: id }).onConflictDoUpdate({ target: channelMessageRefs.key, set: { messageId: id } });
    }
    return id;
  }

  /** By the identity index, not the chat id: a fast hash of a chat id is inverted by trying them all. */
  private refKey(telegramMessageId: number) {
    return channelKey(this.ctx, "telegram-message", botId(this.ctx), this.identity, telegramMessageId);
  }

  async onMessage(m: TgMessage, edited: boolean): Promise<void> {
    const c = await this.open();
    if (!edited && m.text !== undefined && /^\/start(?:@\w+)?(?:\s|$)/.test(m.text)) {
      await this.hear(m.text, m.message_id);
      await this.say(texts.start.greeting, menuKeyboard());
      return;
    }
    const line = threadLine(m);
    if (line === null) {
      if (!edited) await this.say(texts.unsupported);
      return;
    }
    // An edit is a new version of the message it edits; the earlier text stays in the thread.
    const [earlier] = edited ? await this.tx.select({ messageId: channelMessageRefs.messageId }).from(channelMessageRefs).where(eq(channelMessageRefs.key, this.refKey(m.message_id))) : [];
    const messageId = await this.hear(line, m.message_id, earlier?.messageId);
    if (!edited && m.text !== undefined && applicantSide().isConfirmation(m.text) && (await applicantSide().confirm(this.ctx, this.tx, c.caseId, "telegram"))) {
      await this.say(CATALOGS.ru.operations.confirmed);
      return;
    }
    const media = mediaOf(m);
    if (media) {
      await enqueue(this.ctx, this.tx, { kind: "telegram.fetch", caseId: c.caseId, messageId, payload: { fileId: media.fileId, name: media.name.slice(0, 255), type: media.type.slice(0, 100) } });
    }
    // A contact the applicant shares of himself is a phone number Telegram vouches for: calls from it join this case.
    if (m.contact && m.contact.user_id === this.from.id) {
      await claimVerifiedPhone(this.ctx, this.tx, { caseId: c.caseId, casePublicKey: c.casePublicKey, caseNumber: c.caseNumber, phone: m.contact.phone_number, channel: "telegram", at: this.at });
    }
    if (!edited && m.text !== undefined) {
      const dialog = await readDialog(this.tx, this.secret, c.contactId);
      if (dialog?.step === "groupCount") {
        const step = answerGroupCount(m.text, dialog.answers);
        if (step) await this.advance(step);
        else await this.say(texts.questions.groupCount.invalid);
      }
    }
  }

  async onCallback(q: TgCallbackQuery): Promise<void> {
    const c = await this.open();
    await enqueue(this.ctx, this.tx, {
      kind: "telegram.send",
      caseId: c.caseId,
      payload: { method: "answerCallbackQuery", params: { callback_query_id: q.id, text: texts.callbackAck } },
      chatKey: chatOrderKey(this.ctx, "telegram", this.identity),
    });
    if (q.data === applicantSide().confirmCallback) {
      // The button under his instructions. Pressed after the operation closed, it does nothing.
      if (await applicantSide().confirm(this.ctx, this.tx, c.caseId, "telegram")) {
        await this.hear(CATALOGS.ru.operations.confirmButton);
        await this.say(CATALOGS.ru.operations.confirmed);
      }
      return;
    }
    const [field = "", value = ""] = (q.data ?? "").split(":", 2);
    const dialog = await readDialog(this.tx, this.secret, c.contactId);
    if (field === "menu") {
      if (value === "questionnaire") {
        await saveDialog(this.ctx, this.tx, this.secret, c.contactId, "group", dialog?.answers ?? {});
        const first = question("group");
        await this.say(first.text, first.keyboard);
      } else if (value === "write") {
        await this.say(texts.write);
      } else if (value === "link") {
        await saveDialog(this.ctx, this.tx, this.secret, c.contactId, "link", dialog?.answers ?? {});
        await this.say(texts.link.prompt);
      }
      return;
    }
    if (!isQuestionStep(field)) return;
    const step = answerButton(field, value, dialog?.answers ?? {});
    if (!step) return;
    await this.hear(step.label);
    await this.advance(step);
  }

  private async advance(step: Step) {
    const c = await this.open();
    if (step.next === "done") {
      await appendChannelRecord(this.ctx, this.tx, { caseId: c.caseId, casePublicKey: c.casePublicKey, channel: "telegram", direction: "note", text: summarise(step.answers), at: this.at });
      await endDialog(this.tx, c.contactId);
      await this.say(texts.questions.done);
      return;
    }
    await saveDialog(this.ctx, this.tx, this.secret, c.contactId, step.next, step.answers);
    const next = question(step.next);
    await this.say(step.confirm ?? next.text, next.keyboard);
  }

  async onLink(link: LinkResult): Promise<void> {
    if (link.kind === "linked") {
      await linkIdentity(this.ctx, this.tx, { channel: "telegram", identity: this.identity, address: this.address, targetCaseId: link.caseId, at: this.at });
      const c = await this.open();
      await endDialog(this.tx, c.contactId);
      await this.say(texts.link.linked);
      return;
    }
    if (link.kind === "prompt") {
      const c = await this.open();
      const dialog = await readDialog(this.tx, this.secret, c.contactId);
      await saveDialog(this.ctx, this.tx, this.secret, c.contactId, "link", dialog?.answers ?? {});
      await this.say(texts.link.prompt);
      return;
    }
    // A wrong code opens no case for a stranger: the answer goes out, and nothing else is kept.
    await lockIdentity(this.tx, "telegram", this.identity);
    if (await findContact(this.tx, "telegram", this.identity)) await this.open();
    await this.say(link.kind === "throttled" ? texts.link.tooMany : texts.link.notRecognised);
  }
}
