import { z } from "zod";
import { CHANNELS } from "../case-states.js";
import { calendarDaySchema } from "../calendar-day.js";

const day = calendarDaySchema;

/** The dashboard's filters: a day range (at most 400 days) and optionally one channel. */
export const dashboardFilterSchema = z
  .object({ from: day, to: day, channel: z.enum(CHANNELS).optional() })
  .refine((f) => f.from <= f.to, { message: "from is after to", path: ["from"] })
  .refine((f) => (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 <= 400, { message: "at most 400 days", path: ["to"] });
export type DashboardFilter = z.infer<typeof dashboardFilterSchema>;

export const EVENT_KINDS = ["operation", "campaign", "outage", "holiday", "other"] as const;
export const analyticsEventSchema = z.object({ id: z.string(), day: z.string(), kind: z.enum(EVENT_KINDS), note: z.string() });
export type AnalyticsEvent = z.infer<typeof analyticsEventSchema>;
export const newEventSchema = z.object({ day, kind: z.enum(EVENT_KINDS), note: z.string().trim().max(500).default("") });
export type NewEvent = z.infer<typeof newEventSchema>;

export const FUNNEL_STEPS = ["first_contact", "verifying", "verified", "handed_over", "registered_pow"] as const;
export const DURATION_METRICS = ["first_response", "to_verified", "to_handed_over", "to_registered"] as const;

const durationSummary = z.object({ n: z.number(), meanSeconds: z.number().nullable(), medianSeconds: z.number().nullable() });

export const dashboardSchema = z.object({
  days: z.array(z.string()),
  contacts: z.object({ byChannel: z.record(z.string(), z.array(z.number())), total: z.array(z.number()), avg7: z.array(z.number()) }),
  inbound: z.array(z.number()),
  funnel: z.array(z.object({ step: z.enum(FUNNEL_STEPS), n: z.number(), conversion: z.number().nullable() })),
  /** Time to handover: log2 buckets of minutes (bucket b: 2^(b-1) to 2^b minutes). */
  handover: z.array(z.object({ bucket: z.number(), fromMinutes: z.number(), toMinutes: z.number(), n: z.number() })),
  durations: z.record(z.enum(DURATION_METRICS), durationSummary),
  verdicts: z.array(z.object({ outcome: z.string(), n: z.number() })),
  backlog: z.array(z.object({ state: z.string(), n: z.number() })),
  sla: z.object({ targetMinutes: z.number(), daily: z.array(z.object({ day: z.string(), answered: z.number(), withinTarget: z.number() })), share: z.number().nullable() }),
  events: z.array(analyticsEventSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const CHARTS = ["contacts", "funnel", "handover", "verdicts", "backlog", "sla", "events"] as const;
export const chartParamsSchema = z.object({ chart: z.enum(CHARTS) });

export const impactQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(60).default(7), baselineDays: z.coerce.number().int().min(21).max(365).default(56), channel: z.enum(CHANNELS).optional() });
export const impactSchema = z.object({
  event: z.string(),
  days: z.number(),
  baseline_per_day: z.number(),
  uplift_pct: z.number(),
  ci95: z.tuple([z.number(), z.number()]),
  p_value: z.number(),
  changepoint: z.string().nullable(),
  window: z.array(z.object({ date: z.string(), observed: z.number(), expected: z.number() })),
});
export type Impact = z.infer<typeof impactSchema>;

export const reportQuerySchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM"), lang: z.enum(["uk", "en"]).default("uk") });
