import { get } from "./client";

export interface AuditEntry {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  problem: string | null;
}

export const AUDIT_PAGE_SIZE = 100;

export const auditApi = {
  /** Oldest first, the entries after sequence number `after`. */
  page: (after = 0, limit = AUDIT_PAGE_SIZE) => get<AuditEntry[]>(`/api/audit?after=${after}&limit=${limit}`),
  verify: () => get<AuditVerification>("/api/audit/verify"),
};
