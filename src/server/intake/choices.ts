import type { AppContext } from "../context.js";
import { EQUIPMENT } from "../../shared/questionnaire.js";
import { plugPoint } from "../plug-point.js";

/**
 * The fixed choices of the request form. Labels are in the catalogs (i18n/*.json, under
 * "choices"); these are the values that are stored (shared with the bot, calls and console).
 */
export { WHO, DEPLOYED, TIMINGS, REGIONS, CONTACTS } from "../../shared/questionnaire.js";
export const RECEIPT_KINDS = ["digits", "words"] as const;

export interface RewardItem {
  code: string;
  label: string;
  min: number;
  max: number;
}

export interface RewardSchedule {
  source: string;
  currency: string;
  effectiveFrom: string;
  items: RewardItem[];
}

/** Where the version of the schedule in force on a day (YYYY-MM-DD) is read. */
export type ScheduleSource = (ctx: Pick<AppContext, "db">, day: string) => Promise<RewardSchedule>;

/**
 * The rewards capability keeps the schedule and plugs its reader in when the context opens
 * (services.ts): intake sits below the capabilities and imports none of them.
 */
const source = plugPoint<ScheduleSource>("reward schedule source");
export const useScheduleSource = source.use;

/**
 * The reward schedule is law and changes by law. The pages show the version in force today as
 * the rewards capability keeps it in the database (seeded from a copy of
 * shared/data/reward-schedule.json; a new version entered and approved by two administrators).
 */
export async function scheduleInForce(ctx: Pick<AppContext, "db" | "now">): Promise<RewardSchedule> {
  return scheduleOn(ctx, ctx.now().toISOString().slice(0, 10));
}

/**
 * The version in force on a given day, through the same plugged-in reader: operations name what
 * he brings by its codes without importing rewards, which stands on operations (the claim's link).
 */
export async function scheduleOn(ctx: Pick<AppContext, "db">, day: string): Promise<RewardSchedule> {
  return source.get()(ctx, day);
}

/**
 * The equipment types the form, the bot and the call log accept (read at start, for the schemas).
 * A type added by a later schedule version is refused until the questionnaire learns it.
 */
export const EQUIPMENT_CODES: readonly [string, ...string[]] = EQUIPMENT;
