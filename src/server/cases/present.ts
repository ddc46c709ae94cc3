import { z } from "zod";
import { CASE_STATES, CHANNELS } from "../../shared/case-states.js";
import type { cases } from "../db/schema.js";
import type { InboxRow } from "./inbox.js";
import type { CaseView } from "./view.js";
import type { DuplicateSuggestion } from "./duplicates.js";

/** A row of the inbox: states and times only, never identities (the list is also the supervisor's). */
export const caseSummarySchema = z.object({
  id: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  channel: z.enum(CHANNELS),
  teamId: z.string(),
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
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export function presentCaseSummary(r: typeof cases.$inferSelect, extra: { assigneeName?: string | null; dueAtMs?: number | null; now?: Date } = {}): CaseSummary {
  const dueAtMs = extra.dueAtMs ?? null;
  return {
    id: r.id,
    number: r.number,
    state: r.state as CaseSummary["state"],
    channel: r.channel as CaseSummary["channel"],
    teamId: r.teamId,
    assignedUserId: r.assignedUserId,
    assigneeName: extra.assigneeName ?? null,
    mergedInto: r.mergedInto,
    unreadCount: r.unreadCount,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    lastInboundAt: r.lastInboundAt?.toISOString() ?? null,
    lastOutboundAt: r.lastOutboundAt?.toISOString() ?? null,
    dueAt: dueAtMs === null ? null : new Date(dueAtMs).toISOString(),
    overdue: dueAtMs !== null && dueAtMs < (extra.now ?? new Date()).getTime(),
  };
}

export const presentInboxRow = (now: Date) => (r: InboxRow) => presentCaseSummary(r.row, { assigneeName: r.assigneeName, dueAtMs: r.dueAtMs, now });

export const duplicateSchema = caseSummarySchema.extend({ matched: z.array(z.string()) });
export const presentDuplicate = (d: DuplicateSuggestion) => ({ ...presentCaseSummary(d.row, { assigneeName: d.assigneeName }), matched: d.matched });

const messageSchema = z.object({
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

const eventSchema = z.object({
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

export const caseDetailSchema = caseSummarySchema.extend({
  sections: z.record(z.string(), z.record(z.string(), z.unknown())),
  messages: z.array(messageSchema),
  events: z.array(eventSchema),
  mergedSources: z.array(z.object({ id: z.string(), number: z.number(), readable: z.boolean() })),
  mergedIntoNumber: z.number().nullable(),
});

/** The opened case: only the sections the policy let `openCaseView` decrypt are in it. */
export function presentCaseDetail(c: CaseView, dueAtMs: number | null, now: Date): z.infer<typeof caseDetailSchema> {
  return {
    ...presentCaseSummary(c.row, { assigneeName: c.assigneeName, dueAtMs, now }),
    sections: c.sections as Record<string, Record<string, unknown>>,
    messages: c.messages.map((m) => ({ ...m, direction: m.direction as "in" | "out" | "note", createdAt: m.createdAt.toISOString() })),
    events: c.events.map((e) => ({ ...e, at: e.at.toISOString() })),
    mergedSources: c.mergedSources,
    mergedIntoNumber: c.mergedIntoNumber,
  };
}
