import { z } from "zod";
import { calendarDaySchema } from "../calendar-day.js";

/** One audit entry as it leaves the server (details carry ids and counts, never applicant data). */
export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  /** The case number when the subject is a case, so the console can link to it. */
  caseNumber: z.number().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const day = calendarDaySchema;

/**
 * The filters of the audit page, the same for the page and for the CSV export: newest first,
 * before a sequence number (the next page), by actor, action, case number and a day range.
 */
export const auditFilterSchema = z.object({
  actor: z.string().uuid().optional(),
  action: z.string().trim().regex(/^[a-z_]+(\.[a-z_]+)*$/, "an action such as case.opened or case").max(64).optional(),
  caseNumber: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditPageQuerySchema = auditFilterSchema.extend({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextBefore: z.number().nullable() });
export const auditVerificationSchema = z.object({ ok: z.boolean(), rows: z.number(), problem: z.string().nullable() });
export type AuditVerification = z.infer<typeof auditVerificationSchema>;
export const AUDIT_PAGE_SIZE = 100;
