import type { OperationSummary } from "../../api/operations";

/** An unconfirmed operation this close to its start is flagged: time enough still to call him. */
export const UNCONFIRMED_ALERT_MINUTES = 180;

export type BoardFlag = "late" | "unconfirmed" | null;

/** Whole minutes from `now` to the start (negative once it has passed). */
export const minutesTo = (iso: string, now: number) => Math.round((new Date(iso).getTime() - now) / 60_000);

/**
 * Why a row is red: still open past its start (late), or close to its start with someone who has
 * not confirmed (unconfirmed). Only the people on an operation know its time, so only their rows
 * can be flagged; a closed one never is.
 */
export function flagOf(o: OperationSummary, now: number): BoardFlag {
  if (o.state === "closed" || o.start === null) return null;
  const left = minutesTo(o.start.utc, now);
  if (left < 0) return "late";
  if (left < UNCONFIRMED_ALERT_MINUTES && (o.confirmed ?? 0) < o.groupSize) return "unconfirmed";
  return null;
}

/** Minutes as hours and minutes, for the catalogs' duration texts. */
export const hoursAndMinutes = (minutes: number) => ({ h: Math.floor(Math.abs(minutes) / 60), m: Math.abs(minutes) % 60 });
