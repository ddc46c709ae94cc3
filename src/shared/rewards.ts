import { z } from "zod";
import { calendarDaySchema } from "./calendar-day.js";

/**
 * Equipment claims under law 7229, declared once for the server and the console (labels live in
 * the console catalogs under `rewards.*`). Money is always integer cents with its currency.
 *
 *   inspection → assessed → first_approved → approved → (paid: derived from the ledger)
 *              ↘ rejected (from any state before payment, with a reason)
 * Any change to an assessed or approved claim sends it back to inspection and voids its approvals.
 */
export const CLAIM_STATES = ["inspection", "assessed", "first_approved", "approved", "paid", "rejected"] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];
export const SERVICEABILITY = ["serviceable", "partly", "not_serviceable"] as const;
export const LEDGER_KINDS = ["approval", "payment", "reversal", "correction"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export const PAYMENT_METHODS = ["bank_transfer", "cash", "card"] as const;

const line = z.string().trim().min(1).max(200);
const text = z.string().trim().min(1).max(4000);
const reason = z.string().trim().min(3).max(1000);
/** Whole currency units as the schedule writes them (500000 = $500,000). */
const units = z.number().int().positive().max(100_000_000);
const cents = z.number().int().positive().max(10_000_000_000);

export const scheduleItemSchema = z.object({ code: z.string().regex(/^[a-z0-9_]{2,40}$/), label: line, min: units, max: units }).strict().refine((i) => i.min <= i.max, "min above max");
export const scheduleProposalSchema = z
  .object({ effectiveFrom: calendarDaySchema, currency: z.string().regex(/^[A-Z]{3}$/), source: z.string().trim().min(3).max(500), items: z.array(scheduleItemSchema).min(1).max(100) })
  .strict()
  .refine((s) => new Set(s.items.map((i) => i.code)).size === s.items.length, "an equipment code twice");
export type ScheduleProposal = z.infer<typeof scheduleProposalSchema>;

/** What identifies the machine (encrypted at rest): serial and registration numbers, a description. */
export const identifyingSchema = z.object({ serialNumber: line.optional(), registrationNumber: line.optional(), description: text.optional() }).strict();
export const inspectionSchema = z.object({ serviceability: z.enum(SERVICEABILITY), findings: text.optional(), inspectedOn: calendarDaySchema }).strict();

export const claimCreateSchema = z
  .object({
    caseId: z.string().uuid(),
    operationId: z.string().uuid().optional(),
    equipmentCode: z.string().regex(/^[a-z0-9_]{2,40}$/),
    handedOverOn: calendarDaySchema,
    identifying: identifyingSchema,
    secret: z.boolean().default(false),
  })
  .strict();
export type ClaimCreate = z.infer<typeof claimCreateSchema>;

/** A change of the claim: any of these fields; a change to an assessed or approved claim voids its approvals. */
export const claimChangeSchema = z
  .object({ equipmentCode: claimCreateSchema.shape.equipmentCode, handedOverOn: calendarDaySchema, identifying: identifyingSchema, inspection: inspectionSchema })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, "nothing to change");
export type ClaimChange = z.infer<typeof claimChangeSchema>;

/** The assessor's amount: only within a range, and then with his reason (in whole units). */
export const assessmentSchema = z.object({ amount: units.optional(), reason: reason.optional() }).strict();
export const rejectionSchema = z.object({ reason }).strict();
export const officerSchema = z.object({ userId: z.string().uuid() }).strict();

export const paymentSchema = z
  .object({ amountCents: cents, method: z.enum(PAYMENT_METHODS), reference: line, payee: z.object({ name: line, account: line.optional(), note: text.optional() }).strict() })
  .strict();
export const reversalSchema = z.object({ amountCents: cents, reference: line, reason }).strict();
/** A correction moves the approved amount by a signed number of cents (never past zero), with a reason. */
export const correctionSchema = z.object({ deltaCents: z.number().int().min(-10_000_000_000).max(10_000_000_000).refine((n) => n !== 0, "zero"), reason }).strict();

export const reportQuerySchema = z.object({ from: calendarDaySchema.optional(), to: calendarDaySchema.optional(), format: z.enum(["json", "csv"]).default("json") }).strict();
