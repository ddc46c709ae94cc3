import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases, users } from "../db/schema.js";

/**
 * How long each kind of data is kept (days), one row per rule of RETENTION_RULES (rules.ts).
 * Administrators change a row only through a proposal that a second administrator approves.
 */
export const retentionRules = pgTable(
  "retention_rules",
  {
    rule: text("rule").primaryKey(),
    days: integer("days").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    proposedBy: uuid("proposed_by").references(() => users.id),
    approvedBy: uuid("approved_by").references(() => users.id),
  },
  (t) => [check("retention_rules_days", sql`${t.days} BETWEEN 1 AND 36500`)],
);

/** A proposed change of a rule, waiting for a second administrator (four eyes). */
export const retentionProposals = pgTable(
  "retention_proposals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    rule: text("rule").notNull(),
    days: integer("days").notNull(),
    enabled: boolean("enabled").notNull(),
    proposedBy: uuid("proposed_by")
      .notNull()
      .references(() => users.id),
    proposedAt: timestamp("proposed_at", { withTimezone: true }).notNull().defaultNow(),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** approved | refused | withdrawn; null while pending. */
    outcome: text("outcome"),
  },
  (t) => [index("retention_proposals_pending_idx").on(t.rule, t.decidedAt), check("retention_proposals_days", sql`${t.days} BETWEEN 1 AND 36500`)],
);

/** A legal hold: nothing of this case is purged while the row exists. The reason is a code, never free text. */
export const legalHolds = pgTable("legal_holds", {
  caseId: uuid("case_id")
    .primaryKey()
    .references(() => cases.id, { onDelete: "cascade" }),
  reason: text("reason").notNull(),
  placedBy: uuid("placed_by")
    .notNull()
    .references(() => users.id),
  placedAt: timestamp("placed_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * What is left of a purged case: the non-identifying facts the statistics need (channel, team,
 * the day it was opened, the states it went through by day, how it ended). No key, no ciphertext,
 * no identifier, no time finer than a day.
 */
export const retentionTombstones = pgTable(
  "retention_tombstones",
  {
    caseId: uuid("case_id").primaryKey(),
    rule: text("rule").notNull(),
    channel: text("channel").notNull(),
    teamId: text("team_id").notNull(),
    finalState: text("final_state").notNull(),
    openedOn: date("opened_on").notNull(),
    /** [{ state, on }] in order: the day each state was entered. */
    states: jsonb("states").$type<{ state: string; on: string }[]>().notNull(),
    purgedOn: date("purged_on").notNull(),
  },
  (t) => [index("retention_tombstones_opened_idx").on(t.openedOn)],
);
