import { z } from "zod";
import { CASE_STATES, CHANNELS } from "../../shared/case-states.js";
import type { cases } from "../db/schema.js";
import type { OpenedCase } from "./thread.js";

/** A row of the inbox: states and times only, never identities (the list is also the supervisor's). */
export const caseSummarySchema = z.object({
  id: z.string(),
  number: z.number(),
  state: z.enum(CASE_STATES),
  channel: z.enum(CHANNELS),
  teamId: z.string(),
  assignedUserId: z.string().nullable(),
  unreadCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastInboundAt: z.string().nullable(),
  lastOutboundAt: z.string().nullable(),
});

export function presentCaseSummary(r: typeof cases.$inferSelect): z.infer<typeof caseSummarySchema> {
  return {
    id: r.id,
    number: r.number,
    state: r.state as z.infer<typeof caseSummarySchema>["state"],
    channel: r.channel as z.infer<typeof caseSummarySchema>["channel"],
    teamId: r.teamId,
    assignedUserId: r.assignedUserId,
    unreadCount: r.unreadCount,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    lastInboundAt: r.lastInboundAt?.toISOString() ?? null,
    lastOutboundAt: r.lastOutboundAt?.toISOString() ?? null,
  };
}

export const caseDetailSchema = caseSummarySchema.extend({
  sections: z.record(z.string(), z.record(z.string(), z.unknown())),
  messages: z.array(
    z.object({
      id: z.string(),
      direction: z.enum(["in", "out", "note"]),
      channel: z.string(),
      authorUserId: z.string().nullable(),
      body: z.string(),
      createdAt: z.string(),
      deliveryState: z.string().nullable(),
      replacesId: z.string().nullable(),
    }),
  ),
});

/** The opened case: only the sections the policy let `openCase` decrypt are in it. */
export function presentCaseDetail(c: OpenedCase): z.infer<typeof caseDetailSchema> {
  return {
    ...presentCaseSummary(c.row),
    sections: c.sections as Record<string, Record<string, unknown>>,
    messages: c.messages.map((m) => ({ ...m, direction: m.direction as "in" | "out" | "note", createdAt: m.createdAt.toISOString() })),
  };
}
