import { z } from "zod";

/** True for a real day of the calendar written YYYY-MM-DD ("2026-02-30" and "2026-13-45" are not). */
export function isCalendarDay(v: string): boolean {
  if (!/^\d{4}-\d\d-\d\d$/.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}

/**
 * A day as the API takes it in a filter. A string that only looks like a date once reached the
 * database as a timestamp and failed there with a 500 (found by the route fuzz test).
 */
export const calendarDaySchema = z.string().refine(isCalendarDay, "a date as YYYY-MM-DD");

const DAY_MS = 86_400_000;

/** The calendar day `days` after (or before, when negative) `day`, both YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function dayList(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
