import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

/**
 * One cache for every server read. Reads are refetched when the live stream says something
 * changed (live.tsx), not on a timer or on window focus: each case read is an audited event,
 * so the console never reads a case twice for one change.
 */
export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // "Not found", "forbidden" and bad input will not change on a retry.
        retry: (failures, err) => failures < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      },
    },
  });
}

/** The query keys, in one place so the live stream and the pages agree on them. */
export const keys = {
  inbox: ["inbox"] as const,
  inboxPage: (filters: unknown) => ["inbox", "page", filters] as const,
  inboxCounts: ["inbox", "counts"] as const,
  queue: ["inbox", "queue"] as const,
  case: (id: string) => ["case", id] as const,
  caseDetail: (id: string) => ["case", id, "detail"] as const,
  casePart: (id: string, part: "duplicates" | "attachments" | "calls") => ["case", id, part] as const,
  callbacks: (due: string) => ["inbox", "callbacks", due] as const,
  audit: (filters: unknown) => ["audit", filters] as const,
  staff: ["staff"] as const,
  invitations: ["staff", "invitations"] as const,
  admissions: ["admissions"] as const,
  teams: ["teams"] as const,
  canned: ["canned"] as const,
  sla: ["sla"] as const,
  assignees: ["assignees"] as const,
  retention: ["retention"] as const,
  retentionDryRun: ["retention", "dry-run"] as const,
  retentionHolds: ["retention", "holds"] as const,
};
