import { z } from "zod";
import { CASE_STATES, CHANNELS, TEAMS } from "../case-states.js";

/**
 * The staff API's case answers, declared once: the server's routes validate what they send with
 * these schemas and the console's types are `z.infer` of them.
 */

/**
 * A row of the inbox. `who` and `preview` come only from cases whose key the viewer holds (the
 * supervisor's list has them null): who the applicant is (a name, or the first words of his last
 * message) and the last message itself, shortened.
 */
/** Markers other capabilities put on a case (a bare yes, never their reason): see src/server/cases/flags.ts. */
export const CASE_FLAGS = ["needs_verification"] as const;
export type CaseFlag = (typeof CASE_FLAGS)[number];

export const caseSummarySchema = z.object({
  id: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  channel: z.enum(CHANNELS),
  teamId: z.enum(TEAMS),
  assignedUserId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  mergedInto: z.string().nullable(),
  unreadCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastInboundAt: z.string().nullable(),
  lastOutboundAt: z.string().nullable(),
  /** When the next answer is due; null when nobody is waiting for one. */
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  who: z.string().nullable().default(null),
  preview: z.object({ direction: z.enum(["in", "out"]), text: z.string() }).nullable().default(null),
  flags: z.array(z.enum(CASE_FLAGS)).default([]),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const inboxPageSchema = z.object({ items: z.array(caseSummarySchema), nextCursor: z.string().nullable() });

export const inboxCountsSchema = z.object({ awaiting: z.number(), overdue: z.number(), awaitingMine: z.number(), unreadCases: z.number(), unreadMessages: z.number() });
export type InboxCounts = z.infer<typeof inboxCountsSchema>;

export const slaSchema = z.object({ firstResponseMinutes: z.number(), nextResponseMinutes: z.number() });
export type Sla = z.infer<typeof slaSchema>;

export const queueRowSchema = z.object({
  teamId: z.enum(TEAMS),
  state: z.enum(CASE_STATES),
  total: z.number(),
  awaiting: z.number(),
  overdue: z.number(),
  unassigned: z.number(),
  oldestOverdueAt: z.string().nullable(),
});
export const queueSchema = z.object({ sla: slaSchema, rows: z.array(queueRowSchema) });
export type QueueRow = z.infer<typeof queueRowSchema>;

/** Search answers how many matched in all, so the console can say so and page past the first page. */
export const searchPageSchema = z.object({ items: z.array(caseSummarySchema), total: z.number(), offset: z.number() });
export const SEARCH_PAGE_SIZE = 50;

export const duplicateSchema = caseSummarySchema.extend({ matched: z.array(z.string()) });
export type Duplicate = z.infer<typeof duplicateSchema>;

export const timelineMessageSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.number(),
  direction: z.enum(["in", "out", "note"]),
  channel: z.string(),
  authorUserId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  deliveryState: z.string().nullable(),
  replacesId: z.string().nullable(),
});
export type TimelineMessage = z.infer<typeof timelineMessageSchema>;

export const timelineEventSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  kind: z.string(),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const caseDetailSchema = caseSummarySchema.extend({
  sections: z.record(z.string(), z.record(z.string(), z.unknown())),
  messages: z.array(timelineMessageSchema),
  events: z.array(timelineEventSchema),
  mergedSources: z.array(z.object({ id: z.string(), number: z.number(), readable: z.boolean() })),
  mergedIntoNumber: z.number().nullable(),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

/** What an administrator sends for the response-time targets and a canned reply. */
export const slaBodySchema = z.object({ firstResponseMinutes: z.number().int().min(1).max(24 * 60), nextResponseMinutes: z.number().int().min(1).max(24 * 60) });
export const cannedBodySchema = z.object({
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(4000),
  language: z.enum(["ru", "uk", "en"]).default("ru"),
  position: z.number().int().min(0).max(10_000).default(0),
});
