import type { AuditFilter, AuditVerification } from "../../shared/api/audit";
import type { auditPageSchema } from "../../shared/api/audit";
import type { z } from "zod";
import { get } from "./client";
import { query } from "./query-string";

export type { AuditEntry, AuditFilter, AuditVerification } from "../../shared/api/audit";
export { AUDIT_PAGE_SIZE } from "../../shared/api/audit";
type AuditPage = z.infer<typeof auditPageSchema>;

export const auditApi = {
  /** Newest first, the entries before sequence number `before` that match the filters. */
  page: (f: AuditFilter, before?: number | null) => get<AuditPage>(`/api/audit${query({ ...f, before })}`),
  /** The same filters, as a CSV file the server writes. */
  exportUrl: (f: AuditFilter) => `/api/audit/export.csv${query({ ...f })}`,
  verify: () => get<AuditVerification>("/api/audit/verify"),
};
