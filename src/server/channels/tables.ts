import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.js";
import { cases, messages, users } from "../db/schema.js";

/**
 * Tables of the channels (Telegram, WhatsApp, phone). Nothing here holds an applicant's identity
 * in clear: identities are blind indexes, addresses and payloads are sealed under the server's
 * "channels" sub-key (key file outside the database), ids from the messengers are keyed hashes.
 */

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Updates already processed, one row per Telegram update or WhatsApp message, written in the same
 * transaction as their effects: a redelivery finds its row and changes nothing. The key is a
 * keyed hash of channel, bot and update id (a WhatsApp message id embeds the sender's number).
 */
export const channelUpdates = pgTable(
  "channel_updates",
  {
    key: bytea("key").primaryKey(),
    channel: text("channel").notNull(),
    receivedAt: at("received_at").notNull().defaultNow(),
  },
  (t) => [index("channel_updates_received_idx").on(t.receivedAt)],
);

/**
 * A verified channel identity (a Telegram account, a WhatsApp number, a caller's number confirmed
 * by a messenger or logged by an operator) and the case its messages join. `identity` is the blind
 * index of the id; `address` (sealed) is what the delivery job needs to write back: chat id, or
 * WhatsApp number and sending phone-number id. Unique per channel: one person, one case.
 */
export const channelContacts = pgTable(
  "channel_contacts",
  {
    id: uuid("id").primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(), // telegram | whatsapp | phone
    identity: text("identity").notNull(),
    address: bytea("address"),
    createdAt: at("created_at").notNull().defaultNow(),
    lastInboundAt: at("last_inbound_at"),
  },
  (t) => [uniqueIndex("channel_contacts_identity_key").on(t.channel, t.identity), index("channel_contacts_case_idx").on(t.caseId)],
);

/** Telegram (chat, message id) → our message, so an edit becomes a new version of the right message. Keyed hash only. */
export const channelMessageRefs = pgTable("channel_message_refs", {
  key: bytea("key").primaryKey(),
  messageId: uuid("message_id")
    .notNull()
    .references(() => messages.id, { onDelete: "cascade" }),
});

/** Where a contact is in the bot's guided questionnaire; answers so far sealed, the row deleted when done. */
export const channelDialogs = pgTable("channel_dialogs", {
  contactId: uuid("contact_id")
    .primaryKey()
    .references(() => channelContacts.id, { onDelete: "cascade" }),
  step: text("step").notNull(),
  answers: bytea("answers").notNull(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

/**
 * The transactional outbox: every call to a messenger (a reply, a bot message, fetching a file
 * the applicant sent) is a row written in the transaction that decided it, delivered by the
 * worker with retries. `payload` (sealed) holds the address and text; it is wiped once the row
 * is final. `chatKey` (keyed hash of the chat) keeps one chat's messages in order.
 * States: queued → sending → sent | done, or → retrying → …, or → failed (→ replaced, when
 * an operator sends a failed reply again).
 */
export const channelOutbox = pgTable(
  "channel_outbox",
  {
    id: uuid("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    kind: text("kind").notNull(),
    caseId: uuid("case_id").references(() => cases.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    chatKey: bytea("chat_key"),
    payload: bytea("payload"),
    state: text("state").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull(),
    lastErrorCode: text("last_error_code"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    doneAt: at("done_at"),
  },
  (t) => [index("channel_outbox_due_idx").on(t.state, t.nextAttemptAt), index("channel_outbox_chat_idx").on(t.chatKey, t.seq), index("channel_outbox_message_idx").on(t.messageId)],
);

/**
 * A phone call an operator logged. `record` (encrypted JSON: callback number, summary,
 * questionnaire answers) is under the case key, or sealed to the case public key (`sealedKey`)
 * when the call joined a case the operator holds no key to.
 */
export const calls = pgTable(
  "calls",
  {
    id: uuid("id").primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    operatorId: uuid("operator_id")
      .notNull()
      .references(() => users.id),
    calledAt: at("called_at").notNull(),
    record: bytea("record").notNull(),
    sealedKey: bytea("sealed_key"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [index("calls_case_idx").on(t.caseId, t.calledAt)],
);

/** A promise to call the applicant back: due time, who, done when. */
export const callbacks = pgTable(
  "callbacks",
  {
    id: uuid("id").primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    callId: uuid("call_id").references(() => calls.id, { onDelete: "cascade" }),
    dueAt: at("due_at").notNull(),
    assignedUserId: uuid("assigned_user_id").references(() => users.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: at("created_at").notNull().defaultNow(),
    doneAt: at("done_at"),
    doneBy: uuid("done_by").references(() => users.id),
  },
  (t) => [index("callbacks_open_idx").on(t.doneAt, t.dueAt), index("callbacks_case_idx").on(t.caseId)],
);
