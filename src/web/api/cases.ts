import type { CaseState, Channel, TeamId } from "../../shared/case-states";
import type { Role } from "../../shared/roles";
import type { CaseDetail, CaseSummary, Duplicate, InboxCounts, Sla } from "../../shared/api/cases";
import type { queueSchema } from "../../shared/api/cases";
import type { z } from "zod";
import { del, get, getCounted, post, put, upload } from "./client";
import { query } from "./query-string";

export type { CaseDetail, CaseSummary, Duplicate, InboxCounts, QueueRow, Sla, TimelineEvent, TimelineMessage } from "../../shared/api/cases";
export interface InboxFilters {
  state?: CaseState | undefined;
  channel?: Channel | undefined;
  team?: TeamId | undefined;
  assigned?: "me" | "none" | "any" | undefined;
  overdue?: boolean | undefined;
  unread?: boolean | undefined;
}



export interface Assignee {
  id: string;
  displayName: string;
  role: Role;
  teams: TeamId[];
}

export interface Attachment {
  id: string;
  messageId: string | null;
  size: number;
  name: string;
  type: string;
  createdAt: string;
}

export interface SearchQuery {
  receipt?: string;
  name?: string;
  phone?: string;
  serviceNumber?: string;
  telegram?: string;
  state?: CaseState;
  channel?: Channel;
  team?: TeamId;
  from?: string;
  to?: string;
}


export interface CannedReply {
  id: string;
  title: string;
  body: string;
  language: string;
  position: number;
  updatedAt: string;
}


const one = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

export const casesApi = {
  inbox: (f: InboxFilters, cursor?: string | null, limit = 50) =>
    get<{ items: CaseSummary[]; nextCursor: string | null }>(`/api/cases${query({ ...f, assigned: f.assigned ?? "any", cursor, limit })}`),
  counts: () => get<InboxCounts>("/api/cases/counts"),
  queue: () => get<z.infer<typeof queueSchema>>("/api/cases/queue"),
  /** One page of matches and how many matched in all (the server's X-Total-Count). */
  search: (q: SearchQuery, offset = 0) => getCounted<CaseSummary>(`/api/cases/search${query({ ...q, offset })}`),
  get: (id: string) => get<CaseDetail>(one(id)),
  reply: (id: string, text: string) => post<{ id: string }>(`${one(id)}/replies`, { text }),
  note: (id: string, text: string) => post<{ id: string }>(`${one(id)}/notes`, { text }),
  transition: (id: string, to: CaseState, reason: string) => post<{ from: string; to: string }>(`${one(id)}/transition`, { to, reason }),
  assign: (id: string, target: { userId?: string | null; teamId?: TeamId }) => post<void>(`${one(id)}/assign`, target),
  assignees: () => get<Assignee[]>("/api/cases/assignees"),
  duplicates: (id: string) => get<Duplicate[]>(`${one(id)}/duplicates`),
  merge: (sourceId: string, into: string, reason: string) => post<{ source: string; target: string }>(`${one(sourceId)}/merge`, { into, reason }),
  attachments: (id: string) => get<Attachment[]>(`${one(id)}/attachments`),
  attach: (id: string, file: File) => upload<{ id: string; size: number }>(`${one(id)}/attachments`, file),
  attachmentUrl: (id: string, attachmentId: string) => `${one(id)}/attachments/${encodeURIComponent(attachmentId)}`,
};

export const cannedApi = {
  list: () => get<CannedReply[]>("/api/canned-replies"),
  create: (c: Omit<CannedReply, "id" | "updatedAt">) => post<CannedReply>("/api/canned-replies", c),
  update: (id: string, c: Omit<CannedReply, "id" | "updatedAt">) => put<CannedReply>(`/api/canned-replies/${encodeURIComponent(id)}`, c),
  remove: (id: string) => del<void>(`/api/canned-replies/${encodeURIComponent(id)}`),
};

export const settingsApi = {
  sla: () => get<Sla>("/api/settings/sla"),
  setSla: (s: Sla) => put<Sla>("/api/settings/sla", s),
};

export interface TeamMember {
  userId: string;
  displayName: string;
  username: string;
  role: Role;
  custodian: boolean;
  pending: boolean;
  disabled: boolean;
}

export interface Team {
  id: TeamId;
  keyVersion: number;
  members: TeamMember[];
}

export const teamsApi = {
  list: () => get<Team[]>("/api/teams"),
  add: (teamId: TeamId, userId: string) => post<void>(`/api/teams/${teamId}/members`, { userId }),
  remove: (teamId: TeamId, userId: string) => del<void>(`/api/teams/${teamId}/members/${encodeURIComponent(userId)}`),
};
