import { date, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../db/schema.js";

/**
 * Daily rollups of the hotline's flow, kept up to date by triggers (migration "analytics") in the
 * same transaction as the row they count, so a dashboard query reads a few hundred rows instead of
 * every message. The triggers read only non-identifying columns (channel, direction, state, times)
 * and never a ciphertext. The days are UTC days. A row once counted stays counted: the numbers
 * survive a retention purge of the cases they came from.
 *
 *   metric = first_contact  key = ""          a case was opened (cases insert)
 *            inbound        key = ""          a message from the applicant (messages, direction in)
 *            outbound       key = ""          a reply to him (direction out)
 *            transition     key = to_state    a case moved (case_events with a to_state)
 *            verdict        key = to_state    a move out of "verifying" (verified, rejected, back)
 * The channel is the case's channel (for messages, the message's).
 */
export const analyticsDaily = pgTable(
  "analytics_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    channel: text("channel").notNull(),
    metric: text("metric").notNull(),
    key: text("key").notNull().default(""),
    n: integer("n").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.channel, t.metric, t.key] }), index("analytics_daily_metric_idx").on(t.metric, t.day)],
);

/**
 * Durations, on the day the milestone was reached, as a histogram of whole-minute log2 buckets
 * (bucket b holds durations of 2^(b-1) to 2^b minutes; bucket 0: under a minute), with their sum
 * for the mean. metric = first_response (case opened → first reply), to_verified, to_handed_over,
 * to_registered (case opened → first move into that state). `withinSla` counts first responses
 * within the first-response target in force when the reply was sent.
 */
export const analyticsDurations = pgTable(
  "analytics_durations",
  {
    day: date("day", { mode: "string" }).notNull(),
    channel: text("channel").notNull(),
    metric: text("metric").notNull(),
    bucket: integer("bucket").notNull(),
    n: integer("n").notNull().default(0),
    totalSeconds: doublePrecision("total_seconds").notNull().default(0),
    withinSla: integer("within_sla").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.channel, t.metric, t.bucket] })],
);

/**
 * Events supervisors record (a publicised operation, a campaign, an outage, a holiday): markers on
 * every time chart, and the subject of an impact estimate. Hotline knowledge, not applicant data:
 * stored in clear.
 */
export const analyticsEvents = pgTable(
  "analytics_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind").notNull(),
    note: text("note").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("analytics_events_day_idx").on(t.day)],
);
