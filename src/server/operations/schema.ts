import { z } from "zod";
import ru from "../intake/i18n/ru.json" with { type: "json" };
import { OBLAST_CODES } from "../../shared/geo.js";
import { DEFAULT_APPLICANT_ZONE, isTimeZone } from "../../shared/zoned-time.js";

/** The signal templates are data (the applicant catalogs); an operation picks some by id. */
export const SIGNAL_IDS = Object.keys(ru.operations.signals) as [keyof typeof ru.operations.signals, ...(keyof typeof ru.operations.signals)[]];
export const ESCORT_STATES = ["launched", "contact_made", "escorting", "contact_lost", "backup_launched", "handed_over"] as const;
export const OUTCOMES = ["handed_over", "no_show", "aborted"] as const;
export const OPERATION_STATES = ["planning", "scheduled", "closed"] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const pointInput = z
  .object({ lat: z.number().min(-90).max(90).optional(), lon: z.number().min(-180).max(180).optional(), mgrs: z.string().max(20).optional(), description: text(500) })
  .strict();
const instant = z.string().datetime({ offset: true });
/** The shape of a schedule code (shared/rewards.ts); whether it is in force is the plan's check. */
const equipmentCode = z.string().regex(/^[a-z0-9_]{2,40}$/, "not an equipment code");

export const planBodySchema = z
  .object({
    caseIds: z.array(z.string().uuid()).min(1).max(20),
    sector: z.object({ oblast: z.enum(OBLAST_CODES as [string, ...string[]]), raion: z.string().trim().max(100).default(""), name: text(200) }).strict(),
    meeting: pointInput,
    alternate: pointInput,
    window: z.object({ start: instant, end: instant }).strict(),
    applicantZone: z.string().max(60).refine(isTimeZone, "not a time zone").default(DEFAULT_APPLICANT_ZONE),
    signals: z.array(z.enum(SIGNAL_IDS)).min(1).default([...SIGNAL_IDS]),
    /**
     * What he brings to hand over: equipment codes of the reward schedule in force on the handover
     * day (checked against it when the plan is made), and a short note for anything outside it.
     */
    equipment: z.array(equipmentCode).max(10).refine((c) => new Set(c).size === c.length, "an equipment code twice").default([]),
    equipmentNote: z.string().trim().max(200).default(""),
    unit: z.object({ name: text(200), liaison: text(200) }).strict(),
    escort: z.object({ callSign: text(100), contact: text(200), plannedLaunch: instant }).strict(),
    reminderMinutes: z.array(z.number().int().min(5).max(24 * 60)).max(4).default([120, 30]),
    coordinatorIds: z.array(z.string().uuid()).max(10).default([]),
  })
  .strict();
export type PlanBody = z.infer<typeof planBodySchema>;
/**
 * Editing a planned operation: the same details and the same checks as planning, whole (the form
 * sends them all again), but not who is on it: its cases and people change by other routes.
 */
export const editBodySchema = planBodySchema.omit({ caseIds: true, coordinatorIds: true });
export type EditBody = z.infer<typeof editBodySchema>;

const point = z.object({ lat: z.number(), lon: z.number(), mgrs: z.string(), description: z.string() });
/** The details as the server hands them to the people on the operation. */
export const detailsSchema = z.object({
  sector: z.object({ oblast: z.string(), raion: z.string(), name: z.string() }),
  meeting: point,
  alternate: point,
  window: z.object({ start: z.string(), end: z.string() }),
  applicantZone: z.string(),
  signals: z.array(z.string()),
  equipment: z.array(z.string()),
  equipmentNote: z.string(),
  unit: z.object({ name: z.string(), liaison: z.string() }),
  escort: z.object({ callSign: z.string(), contact: z.string(), plannedLaunch: z.string() }),
  reminderMinutes: z.array(z.number()),
});
export type Details = z.infer<typeof detailsSchema>;
/**
 * The decrypted details: validated on the way in as any other input (a key holder wrote them).
 * Operations planned before the equipment was picked from the schedule hold `bring`, lines of
 * free text: they open with no codes and those lines as the note, so nothing he was told is lost.
 */
export const storedDetailsSchema = detailsSchema
  .extend({ equipment: z.array(z.string()).default([]), equipmentNote: z.string().default(""), bring: z.array(z.string()).optional() })
  .transform(({ bring, ...d }): Details => (bring?.length && !d.equipmentNote ? { ...d, equipmentNote: bring.join(", ") } : d));

export const escortBodySchema = z.object({ state: z.enum(ESCORT_STATES), note: z.string().trim().max(500).default("") }).strict();
export const outcomeBodySchema = z
  .object({ outcome: z.enum(OUTCOMES), reason: z.string().trim().max(1000).default(""), then: z.enum(["planning", "closed"]).default("planning") })
  .strict()
  .refine((b) => b.outcome !== "aborted" || b.reason.length > 0, { message: "an aborted operation needs a reason", path: ["reason"] });
export const addStaffBodySchema = z.object({ userId: z.string().uuid() }).strict();
export const confirmBodySchema = z.object({ caseId: z.string().uuid() }).strict();

const zoned = z.object({ utc: z.string(), kyiv: z.string(), applicant: z.string() });
export const operationDetailSchema = z.object({
  id: z.string(),
  state: z.enum(OPERATION_STATES),
  groupSize: z.number(),
  createdAt: z.string(),
  details: detailsSchema,
  times: z.object({ start: zoned, end: zoned, plannedLaunch: zoned }),
  cases: z.array(z.object({ caseId: z.string(), instructed: z.boolean(), confirmedAt: z.string().nullable(), confirmedVia: z.enum(["telegram", "whatsapp", "web", "coordinator"]).nullable() })),
  escort: z.array(z.object({ state: z.enum(ESCORT_STATES), at: z.string(), note: z.string() })),
  people: z.array(z.object({ userId: z.string(), displayName: z.string() })),
});
export const operationSummarySchema = z.object({
  id: z.string(),
  state: z.enum(OPERATION_STATES),
  groupSize: z.number(),
  /** Only for the people on it: the others learn existence and state, nothing else. */
  onIt: z.boolean(),
  start: zoned.nullable(),
  confirmed: z.number().nullable(),
  /** The remains as the board shows them: the equipment codes kept for the reward officer are not among them. */
  summary: z.object({ date: z.string(), oblast: z.string(), groupSize: z.number(), outcome: z.string(), minutesPlanned: z.number(), escortMinutes: z.number().nullable().optional(), minutesOpen: z.number().optional() }).nullable(),
});
export const briefingSchema = z.object({
  groupSize: z.number(),
  signals: z.array(z.string()),
  window: z.object({ start: zoned, end: zoned }),
  meeting: z.object({ mgrs: z.string(), lat: z.number(), lon: z.number() }),
  alternate: z.object({ mgrs: z.string(), lat: z.number(), lon: z.number() }),
  escort: z.object({ callSign: z.string(), plannedLaunch: zoned }),
  unit: z.string(),
});
