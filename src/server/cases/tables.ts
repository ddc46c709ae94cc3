import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../db/schema.js";

/**
 * Response-time targets of the hotline (one row, id = 1): data an administrator edits in the
 * console, never constants in code. The inbox computes each case's due time from them in SQL.
 */
export const slaSettings = pgTable(
  "sla_settings",
  {
    id: integer("id").primaryKey().default(1),
    /** Minutes from a new case to the first reply. */
    firstResponseMinutes: integer("first_response_minutes").notNull().default(5),
    /** Minutes from the applicant's latest unanswered message to the next reply. */
    nextResponseMinutes: integer("next_response_minutes").notNull().default(15),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid("updated_by").references(() => users.id),
  },
  (t) => [check("sla_settings_single_row", sql`${t.id} = 1`), check("sla_settings_positive", sql`${t.firstResponseMinutes} > 0 AND ${t.nextResponseMinutes} > 0`)],
);

/**
 * Canned replies: templates an operator drops into the reply box. They are hotline wording, not
 * applicant data, so they are stored in clear; administrators edit them (canned_reply.manage).
 */
export const cannedReplies = pgTable(
  "canned_replies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Language of the text shown to the applicant (ru by default: the applicants write Russian). */
    language: text("language").notNull().default("ru"),
    /** Keyboard-friendly order in the picker. */
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid("updated_by").references(() => users.id),
  },
  (t) => [index("canned_replies_position_idx").on(t.position)],
);
