import { z } from "zod";
import { CLAIM_STATES, LEDGER_KINDS, SERVICEABILITY } from "../../shared/rewards.js";
import { OUTCOMES } from "../operations/schema.js";
import type { ClaimRow } from "./access.js";
import type { ClaimMoney } from "./ledger.js";
import type { ScheduleVersion } from "./schedule.js";
import type { readClaim } from "./view.js";

/** What leaves the server about claims and the schedule: declared here, checked by the route's response schema. */
const money = { approvedCents: z.number().int(), paidCents: z.number().int(), balanceCents: z.number().int() };
export const claimSummarySchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.number().int(),
  equipmentCode: z.string(),
  state: z.enum(CLAIM_STATES),
  secret: z.boolean(),
  handedOverOn: z.string(),
  amountCents: z.number().int().nullable(),
  currency: z.string(),
  ...money,
});
const entrySchema = z.object({ seq: z.number().int(), at: z.string(), kind: z.enum(LEDGER_KINDS), amountCents: z.number().int(), method: z.string().nullable(), reference: z.string().nullable(), payee: z.record(z.string(), z.string()).nullable(), note: z.string().nullable(), actorId: z.string().nullable() });
/**
 * The operation a claim came from: its id, state and, once it is closed, what the close left in
 * clear (day, oblast, outcome). Nothing of the sealed plan, nor the durations or the group size
 * (the claim does not need them).
 */
const closedOperationSchema = z.object({ day: z.string(), oblast: z.string(), outcome: z.enum(OUTCOMES) });
const claimOperationSchema = z.object({ id: z.string(), state: z.enum(["planning", "scheduled", "closed"]), closed: closedOperationSchema.nullable() });
export const claimSchema = claimSummarySchema.extend({
  operationId: z.string().nullable(),
  operation: claimOperationSchema.nullable(),
  version: z.number().int(),
  identifying: z.record(z.string(), z.string()),
  inspection: z.object({ serviceability: z.enum(SERVICEABILITY), inspectedOn: z.string().nullable(), findings: z.string().nullable() }).nullable(),
  amountReason: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  createdBy: z.string(),
  assessedBy: z.string().nullable(),
  firstApprovedBy: z.string().nullable(),
  secondApprovedBy: z.string().nullable(),
  ledger: z.array(entrySchema),
});
export const scheduleSchema = z.object({
  id: z.string(),
  effectiveFrom: z.string(),
  currency: z.string(),
  source: z.string(),
  items: z.array(z.object({ code: z.string(), label: z.string(), min: z.number(), max: z.number() })),
  proposedBy: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
});

export function presentSummary(c: ClaimRow, caseNumber: number, state: z.infer<typeof claimSummarySchema>["state"], m: ClaimMoney): z.infer<typeof claimSummarySchema> {
  return { id: c.id, caseId: c.caseId, caseNumber, equipmentCode: c.equipmentCode, state, secret: c.secret, handedOverOn: c.handedOverOn, amountCents: c.amountCents, currency: c.currency, approvedCents: m.approvedCents, paidCents: m.paidCents, balanceCents: m.approvedCents - m.paidCents };
}

export function presentClaim(r: Awaited<ReturnType<typeof readClaim>>): z.infer<typeof claimSchema> {
  const c = r.claim;
  return {
    ...presentSummary(c, r.caseNumber, r.state, r.money),
    operationId: c.operationId,
    operation: r.operation && {
      id: r.operation.id,
      state: r.operation.state as z.infer<typeof claimOperationSchema>["state"],
      closed: r.operation.summary ? { day: r.operation.summary.date, oblast: r.operation.summary.oblast, outcome: r.operation.summary.outcome as z.infer<typeof closedOperationSchema>["outcome"] } : null,
    },
    version: c.version,
    identifying: r.identifying,
    inspection: c.serviceability ? { serviceability: c.serviceability as (typeof SERVICEABILITY)[number], inspectedOn: c.inspectedOn, findings: r.findings } : null,
    amountReason: r.amountReason,
    rejectionReason: r.rejectionReason,
    createdBy: c.createdBy,
    assessedBy: c.assessedBy,
    firstApprovedBy: c.firstApprovedBy,
    secondApprovedBy: c.secondApprovedBy,
    ledger: r.ledger.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), kind: e.kind as (typeof LEDGER_KINDS)[number], amountCents: e.amountCents, method: e.method, reference: e.reference, payee: e.payee, note: e.note, actorId: e.actorId })),
  };
}

export const presentSchedule = (v: ScheduleVersion): z.infer<typeof scheduleSchema> => ({ id: v.id, effectiveFrom: v.effectiveFrom, currency: v.currency, source: v.source, items: v.items, proposedBy: v.proposedBy, approvedBy: v.approvedBy, approvedAt: v.approvedAt?.toISOString() ?? null });

/**
 * An operation as a reward officer may see it: no place, no time of day, no people; the day only
 * once it is closed (before, it is sealed); and, once handed over, the equipment codes he was to
 * bring, as suggestions for the claim (codes only, never the coordinators' note).
 */
export const caseOperationSchema = z.object({ id: z.string(), state: z.enum(["planning", "scheduled", "closed"]), plannedOn: z.string().nullable(), expectedEquipment: z.array(z.string()).optional() });
export const presentCaseOperation = (o: { id: string; state: string; summary: { date: string; equipment?: string[] } | null }): z.infer<typeof caseOperationSchema> => ({
  id: o.id,
  state: o.state as "planning" | "scheduled" | "closed",
  plannedOn: o.summary?.date ?? null,
  ...(o.summary?.equipment?.length ? { expectedEquipment: o.summary.equipment } : {}),
});
