import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.js";
import { cases, users } from "../db/schema.js";

/**
 * Handover operations. Everything that could get someone killed (points, times, unit, escort,
 * signals chosen) is one JSON document encrypted under the operation's own key; the key exists
 * only sealed to the people on the operation (`operation_keys`). What stays in clear is what the
 * board of every coordinator needs to know that an operation exists: its state and group size.
 * At close the key copies and every detail row go (crypto-shredding) and only `summary` (date,
 * oblast, group size, outcome, durations) remains.
 */
/**
 * What an operation leaves behind: date, oblast, group size, outcome and durations (planned lead
 * time, the escort from its first state to its last, the whole operation from planning to close).
 * The two later durations are absent on operations closed before they were kept, as are the
 * equipment codes.
 */
export interface OperationSummary {
  date: string;
  oblast: string;
  groupSize: number;
  outcome: string;
  minutesPlanned: number;
  escortMinutes?: number | null;
  minutesOpen?: number;
  /**
   * Handed over only: the equipment codes he was to bring (the reward schedule's codes, never the
   * note), so that a reward officer opening a claim for the case sees what was expected.
   */
  equipment?: string[];
}

export const operations = pgTable("operations", {
  id: uuid("id").primaryKey(),
  /** planning → scheduled → closed (see OPERATION_STATES). */
  state: text("state").notNull(),
  groupSize: integer("group_size").notNull(),
  /** The details, encrypted under the operation key; null once shredded. */
  details: bytea("details"),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  closedAt: timestamp("closed_at", { withTimezone: true }),
  /** The non-identifying remains after close. */
  summary: jsonb("summary").$type<OperationSummary>(),
});

/** The operation key sealed to each person on it (assigned coordinators and staff added by name). */
export const operationKeys = pgTable(
  "operation_keys",
  {
    operationId: uuid("operation_id").notNull().references(() => operations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    sealedKey: bytea("sealed_key").notNull(),
    addedBy: uuid("added_by").references(() => users.id),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.operationId, t.userId] }), index("operation_keys_user_idx").on(t.userId)],
);

/**
 * The cases of an operation. A case row id is not a secret (the case already exists); the
 * instruction messages are kept by id so their bodies can be replaced at close. The
 * confirmation time is encrypted under the operation key (it tells the rendezvous time nearby).
 */
export const operationCases = pgTable(
  "operation_cases",
  {
    operationId: uuid("operation_id").notNull().references(() => operations.id, { onDelete: "cascade" }),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    instructionMessageIds: jsonb("instruction_message_ids").$type<string[]>().notNull().default([]),
    /** {confirmedAt} under the operation key, or null while unconfirmed (a coordinator recorded it). */
    confirmation: bytea("confirmation"),
    /**
     * The applicant's own confirmation ({at, via}: his button or reply), under the server key:
     * the applicant side never holds the operation key. Shredded with the row at close.
     */
    applicantConfirmation: bytea("applicant_confirmation"),
  },
  (t) => [primaryKey({ columns: [t.operationId, t.caseId] }), index("operation_cases_case_idx").on(t.caseId)],
);

/**
 * Which closed operation a handed-over case came from, for the reward claim that follows: the
 * operation's id encrypted under the case key (bound to the case and this row), written by the
 * coordinator who closes it (he holds the case key then). The case links above are shredded at
 * close; this one is not, and a seized database still cannot tell which case was on which
 * operation: only whoever opens the case reads it. Goes with the case (cascade).
 */
export const operationCaseRefs = pgTable(
  "operation_case_refs",
  {
    id: uuid("id").primaryKey(),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    ref: bytea("ref").notNull(),
  },
  (t) => [index("operation_case_refs_case_idx").on(t.caseId)],
);

/** The escort's timeline: each entry {state, at, note} encrypted under the operation key. */
export const operationEscortEvents = pgTable(
  "operation_escort_events",
  {
    id: uuid("id").primaryKey(),
    operationId: uuid("operation_id").notNull().references(() => operations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    entry: bytea("entry").notNull(),
  },
  (t) => [index("operation_escort_op_idx").on(t.operationId, t.seq)],
);

/**
 * Reminders waiting to go: the outbox row is queued at instruction time (only then is the case
 * key open to address it) but held; the due time is sealed under the server key, so a stolen
 * database does not date the rendezvous, and the reminder job releases the row when it is due.
 */
export const operationReminders = pgTable("operation_reminders", {
  id: uuid("id").primaryKey(),
  operationId: uuid("operation_id").notNull().references(() => operations.id, { onDelete: "cascade" }),
  messageId: uuid("message_id").notNull(),
  due: bytea("due").notNull(),
});
