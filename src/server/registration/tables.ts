import { boolean, index, pgTable, primaryKey, text, timestamp, uuid, date } from "drizzle-orm/pg-core";
import { cases, users } from "../db/schema.js";
import { bytea } from "../db/types.js";

const caseRef = () => uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" });

/**
 * The prisoner-of-war record of a case: the Art. 17/122 values encrypted under the case key.
 * In clear only what deadlines and lists need: whether Art. 17 is complete (the guard), the day he
 * arrived at the place of internment (the card deadline) and when he was registered (the bureau's range).
 */
export const powRecords = pgTable("pow_records", {
  caseId: caseRef().primaryKey(),
  ciphertext: bytea("ciphertext").notNull(),
  art17Complete: boolean("art17_complete").notNull().default(false),
  arrivalDate: date("arrival_date"),
  registeredAt: timestamp("registered_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id),
});

/**
 * One capture card owed (Art. 70): why, by when, and when each copy was first printed. A print is
 * not a sending: the card is done only once its copies are recorded as sent (powCardSendings).
 * The print columns keep their old names (`issued_at`, `family_issued_at`) from when the first
 * print counted as the sending; renaming them bought nothing but a riskier migration.
 */
export const powCards = pgTable(
  "pow_cards",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: caseRef(),
    reason: text("reason").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    printedAt: timestamp("issued_at", { withTimezone: true }),
    printedBy: uuid("issued_by").references(() => users.id),
    familyPrintedAt: timestamp("family_issued_at", { withTimezone: true }),
    familyPrintedBy: uuid("family_issued_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pow_cards_due_idx").on(t.printedAt, t.dueAt), index("pow_cards_case_idx").on(t.caseId)],
);

/**
 * One copy of a card recorded as sent, once (the key): to the Central Tracing Agency, always owed,
 * so the deadline and the overdue lists follow it in SQL without the case key; or to his family,
 * owed only with his consent, which only the encrypted record holds. The day and the way in clear
 * (codes, no one's data); the registrar's note encrypted under the case key.
 */
export const powCardSendings = pgTable(
  "pow_card_sendings",
  {
    cardId: uuid("card_id").notNull().references(() => powCards.id, { onDelete: "cascade" }),
    copy: text("copy").notNull(),
    sentOn: date("sent_on").notNull(),
    via: text("via").notNull(),
    note: bytea("note"),
    recordedBy: uuid("recorded_by").references(() => users.id),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.cardId, t.copy] })],
);

/** His fate as dated events; the details (places, causes) are encrypted under the case key. */
export const powEvents = pgTable(
  "pow_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: caseRef(),
    kind: text("kind").notNull(),
    occurredOn: date("occurred_on").notNull(),
    details: bytea("details").notNull(),
    actorId: uuid("actor_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("pow_events_case_idx").on(t.caseId, t.occurredOn)],
);

/** His choice, under its own key: not the case key, so a team member of the case cannot read it. */
export const powChoices = pgTable("pow_choices", {
  caseId: caseRef().primaryKey(),
  ciphertext: bytea("ciphertext").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id),
});

/** The choice key sealed to each person on it (a registrar, a resettlement officer). */
export const powChoiceKeys = pgTable(
  "pow_choice_keys",
  {
    caseId: caseRef(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    sealedKey: bytea("sealed_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);

/** An information-bureau export: asked for by one registrar, approved by another, run once. */
export const powExports = pgTable("pow_exports", {
  id: uuid("id").primaryKey().defaultRandom(),
  fromDate: date("from_date").notNull(),
  toDate: date("to_date").notNull(),
  requestedBy: uuid("requested_by").notNull().references(() => users.id),
  approvedBy: uuid("approved_by").references(() => users.id),
  approvedAt: timestamp("approved_at", { withTimezone: true }),
  runAt: timestamp("run_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
