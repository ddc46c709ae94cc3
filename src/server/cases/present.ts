import { caseDetailSchema, caseSummarySchema, duplicateSchema, type CaseDetail, type CaseFlag, type CaseSummary } from "../../shared/api/cases.js";
import type { cases } from "../db/schema.js";
import type { InboxRow } from "./inbox.js";
import type { InboxPreview } from "./inbox-preview.js";
import type { CaseView } from "./view.js";
import type { DuplicateSuggestion } from "./duplicates.js";

// The schemas are the contract shared with the console (src/shared/api/cases.ts).
export { caseDetailSchema, caseSummarySchema, duplicateSchema };
export type { CaseSummary };

/**
 * A case as a list shows it: states and times; who and the last message only when the caller
 * decrypted them for a viewer holding the case key (see inbox-preview.ts).
 */
export function presentCaseSummary(
  r: typeof cases.$inferSelect,
  extra: { assigneeName?: string | null; dueAtMs?: number | null; now?: Date; preview?: InboxPreview | undefined; flags?: CaseFlag[] | undefined } = {},
): CaseSummary {
  const dueAtMs = extra.dueAtMs ?? null;
  return {
    id: r.id,
    number: r.number,
    state: r.state as CaseSummary["state"],
    channel: r.channel as CaseSummary["channel"],
    teamId: r.teamId as CaseSummary["teamId"],
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
    who: extra.preview?.who ?? null,
    preview: extra.preview?.preview ?? null,
    flags: extra.flags ?? [],
  };
}

export const presentInboxRow = (now: Date, previews?: Map<string, InboxPreview>, flags?: Map<string, CaseFlag[]>) => (r: InboxRow) =>
  presentCaseSummary(r.row, { assigneeName: r.assigneeName, dueAtMs: r.dueAtMs, now, preview: previews?.get(r.row.id), flags: flags?.get(r.row.id) });

export const presentDuplicate = (d: DuplicateSuggestion) => ({ ...presentCaseSummary(d.row, { assigneeName: d.assigneeName }), matched: d.matched });

/** The opened case: only the sections the policy let `openCaseView` decrypt are in it. */
export function presentCaseDetail(c: CaseView, dueAtMs: number | null, now: Date, flags?: CaseFlag[]): CaseDetail {
  return {
    ...presentCaseSummary(c.row, { assigneeName: c.assigneeName, dueAtMs, now, flags }),
    sections: c.sections as Record<string, Record<string, unknown>>,
    messages: c.messages.map((m) => ({ ...m, direction: m.direction as "in" | "out" | "note", createdAt: m.createdAt.toISOString() })),
    events: c.events.map((e) => ({ ...e, at: e.at.toISOString() })),
    mergedSources: c.mergedSources,
    mergedIntoNumber: c.mergedIntoNumber,
  };
}
