import schedule from "../rewards/schedule-seed.json" with { type: "json" };

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
 * The reward schedule is law and changes by law: it stays data (rewards/schedule-seed.json, a copy of
 * shared/data/reward-schedule.json, also the seed of the versions rewards/ keeps in the database) with its effective date. When a new schedule is adopted, add
 * it to this list; the pages show the one in force on the day.
 */
const SCHEDULES: readonly RewardSchedule[] = [schedule];

export function scheduleInForce(now: Date): RewardSchedule {
  const day = now.toISOString().slice(0, 10);
  const inForce = SCHEDULES.filter((s) => s.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  return inForce[0] ?? SCHEDULES[0]!;
}

/** Every equipment type any schedule has named: the values the form accepts. */
export const EQUIPMENT_CODES = [...new Set(SCHEDULES.flatMap((s) => s.items.map((i) => i.code)))] as [string, ...string[]];
