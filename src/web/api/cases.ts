import type { CaseState, Channel, TeamId } from "../../shared/case-states";
import type { Role } from "../../shared/roles";
import { del, get, post, put, upload } from "./client";

export interface CaseSummary {
  id: string;
  number: number;
  state: CaseState;
  channel: Channel;
  teamId: TeamId;
  assignedUserId: string | null;
  assigneeName: string | null;
  mergedInto: string | null;
  unreadCount: number;
  createdAt: string;
  updatedAt: string;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  dueAt: string | null;
  overdue: boolean;
}

export interface TimelineMessage {
  id: string;
  caseId: string;
  caseNumber: number;
  direction: "in" | "out" | "note";
  channel: string;
  authorUserId: string | null;
  authorName: string | null;
  body: string;
  createdAt: string;
  deliveryState: string | null;
  replacesId: string | null;
}

export interface TimelineEvent {
  id: string;
  caseId: string;
  caseNumber: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  kind: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
}

export interface CaseDetail extends CaseSummary {
  sections: Record<string, Record<string, unknown>>;
  messages: TimelineMessage[];
  events: TimelineEvent[];
  mergedSources: { id: string; number: number; readable: boolean }[];
  mergedIntoNumber: number | null;
}

export interface Duplicate extends CaseSummary {
  matched: string[];
}

export interface InboxFilters {
  state?: CaseState | undefined;
  channel?: Channel | undefined;
  team?: TeamId | undefined;
  assigned?: "me" | "none" | "any" | undefined;
  overdue?: boolean | undefined;
  unread?: boolean | undefined;
}

export interface InboxCounts {
  awaiting: number;
  overdue: number;
  awaitingMine: number;
  unreadCases: number;
  unreadMessages: number;
}

export interface QueueRow {
  teamId: TeamId;
  state: CaseState;
  total: number;
  awaiting: number;
  overdue: number;
  unassigned: number;
  oldestOverdueAt: string | null;
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

export interface Sla {
  firstResponseMinutes: number;
  nextResponseMinutes: number;
}

export interface CannedReply {
  id: string;
  title: string;
  body: string;
  language: string;
  position: number;
  updatedAt: string;
}

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

const one = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

export const casesApi = {
  inbox: (f: InboxFilters, cursor?: string | null, limit = 50) =>
    get<{ items: CaseSummary[]; nextCursor: string | null }>(`/api/cases${query({ ...f, assigned: f.assigned ?? "any", cursor, limit })}`),
  counts: () => get<InboxCounts>("/api/cases/counts"),
  queue: () => get<{ sla: Sla; rows: QueueRow[] }>("/api/cases/queue"),
  search: (q: SearchQuery) => get<CaseSummary[]>(`/api/cases/search${query({ ...q })}`),
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
