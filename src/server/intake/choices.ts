import seed from "../rewards/schedule-seed.json" with { type: "json" };
import type { AppContext } from "../context.js";
import { publicScheduleInForce } from "../rewards/index.js";

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

/**
 * The reward schedule is law and changes by law. The pages show the version in force today as
 * the rewards capability keeps it in the database (seeded from rewards/schedule-seed.json, a copy
 * of shared/data/reward-schedule.json; a new version entered and approved by two administrators).
 */
export async function scheduleInForce(ctx: Pick<AppContext, "db" | "now">): Promise<RewardSchedule> {
  return publicScheduleInForce(ctx.db, ctx.now().toISOString().slice(0, 10));
}

/**
 * The equipment types the form, the bot and the call log accept: those of the seed. A type added
 * by a later version is refused until this list learns it (it is read at start, for the schemas).
 */
export const EQUIPMENT_CODES = [...new Set(seed.items.map((i) => i.code))] as [string, ...string[]];
