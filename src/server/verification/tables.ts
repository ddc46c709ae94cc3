import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases, users } from "../db/schema.js";
import { bytea } from "../db/types.js";
import type { CheckResult, Decision, ReasonCode, Stage, UnitFinding } from "../../shared/verification.js";
import type { FieldContext } from "../crypto/fields.js";

/**
 * One case's verification (issue 11): the round it is in (a re-check opens a new one), the stage
 * of the two-review path, its own due time, and who took the request as its operator (they may
 * not review it). The verdict is written here before the case moves: the guard reads it.
 */
export const verificationCases = pgTable(
  "verification_cases",
  {
    caseId: uuid("case_id")
      .primaryKey()
      .references(() => cases.id, { onDelete: "cascade" }),
    round: integer("round").notNull().default(1),
    /** first | second | disagreement | signoff | decided */
    stage: text("stage").$type<Stage>().notNull(),
    enteredAt: timestamp("entered_at", { withTimezone: true }).notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    operatorIds: jsonb("operator_ids").$type<string[]>().notNull(),
    /** verified | rejected, once decided in this round. */
    outcome: text("outcome").$type<Decision>(),
    reasonCode: text("reason_code").$type<ReasonCode>(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: uuid("decided_by").references(() => users.id),
    /** The supervisor's reason, sealed to the case public key (he holds no case key; its readers do). */
    supervisorReason: bytea("supervisor_reason"),
    /**
     * The identities a "verified" verdict was given on: the blind indexes ("kind:value", never a
     * clear value) of the case and the cases merged into it. One more later means re-check (recheck.ts).
     */
    verifiedIdentities: jsonb("verified_identities").$type<string[]>(),
    /**
     * What the rules that read the case's content (claimed unit and sector, the applicant's
     * messages) found when a verifier last opened it or reviewed it: finding codes, counts and
     * rule keys only, never a value. The queues and the supervisor, who open no case key, score on it.
     */
    contentFindings: jsonb("content_findings").$type<ContentFindings>(),
  },
  (t) => [index("verification_cases_stage_idx").on(t.stage, t.dueAt)],
);

export interface ContentFindings {
  at: string;
  unit: UnitFinding | null;
  /** Inbound messages matching a probing rule, and the keys of the rules matched. */
  probing: { messages: number; rules: string[] } | null;
}

/** One verifier's decision in one round; the note is encrypted under the case key. */
export const verificationReviews = pgTable(
  "verification_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    round: integer("round").notNull(),
    /** 1 for the first review of the round, 2 for the second (the order the supervisor reads them in). */
    position: integer("position").notNull(),
    reviewerId: uuid("reviewer_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision").$type<Decision>().notNull(),
    reasonCode: text("reason_code").$type<ReasonCode>().notNull(),
    note: bytea("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  // One decision per verifier and round, enforced by the store as well as by the command.
  (t) => [uniqueIndex("verification_reviews_once").on(t.caseId, t.round, t.reviewerId)],
);

/** The result of one checklist item on one case; the note is encrypted under the case key. */
export const verificationChecks = pgTable(
  "verification_checks",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    item: text("item").notNull(),
    result: text("result").$type<CheckResult>().notNull(),
    note: bytea("note"),
    byId: uuid("by_id")
      .notNull()
      .references(() => users.id),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("verification_checks_pk").on(t.caseId, t.item)],
);

/** The rules as data (one row, id = 1): checklist items, risk weights, threshold, SLA. Defaults in settings.ts. */
export const verificationSettings = pgTable("verification_settings", {
  id: integer("id").primaryKey().default(1),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  updatedBy: uuid("updated_by").references(() => users.id),
});

/**
 * Identifiers of requests rejected as provocations, as blind indexes only (never in clear): a
 * later contact with the same index on any channel is flagged to verifiers.
 */
export const verificationWatchlist = pgTable(
  "verification_watchlist",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    sourceCaseId: uuid("source_case_id").references(() => cases.id, { onDelete: "set null" }),
    reasonCode: text("reason_code").$type<ReasonCode>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /**
     * A "name" entry whose source also gave a date of birth: it then matches only a case whose
     * date is unknown (a weaker, name-only hit); with both dates known, the "name_birth" entry decides.
     */
    birthKnown: boolean("birth_known").notNull().default(false),
    /** Who put it on by hand (null: a provocation's verdict listed it). */
    addedBy: uuid("added_by").references(() => users.id),
    /**
     * An entry added by hand: the clear identifier, sealed to the verification team's key of
     * `keyVersion` (like identifying data, only the team's members open it; the server cannot).
     */
    sealedValue: bytea("sealed_value"),
    keyVersion: integer("key_version"),
    /** Why it was added, sealed the same way. */
    sealedNote: bytea("sealed_note"),
    removedAt: timestamp("removed_at", { withTimezone: true }),
    removedBy: uuid("removed_by").references(() => users.id),
    /** Sealed to the source case's public key. */
    removeReason: bytea("remove_reason"),
  },
  (t) => [index("verification_watchlist_lookup_idx").on(t.kind, t.value)],
);

/** The contexts the encrypted notes are bound to, named once for the command that writes and the view that reads. */
export const checkNoteContext = (caseId: string, item: string): FieldContext => ({ caseId, table: "verification_checks", field: "note", rowId: item });
export const reviewNoteContext = (caseId: string, reviewId: string): FieldContext => ({ caseId, table: "verification_reviews", field: "note", rowId: reviewId });
