/**
 * The plan form takes times as Kyiv wall clock (what the coordinator and the unit agree on),
 * whatever zone the browser is in, and sends UTC. Through Intl's zone data, never a fixed offset:
 * Kyiv keeps summer time, so the offset depends on the date.
 */
const ZONE = "Europe/Kyiv";
const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "2026-10-26T05:00" (as a datetime-local input holds it) for an instant, in Kyiv. */
export function kyivWall(at: Date): string {
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a Kyiv wall time names, or null for an empty or malformed one. */
export function fromKyivWall(wall: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(wall)) return null;
  const asUtc = new Date(`${wall}:00Z`);
  if (Number.isNaN(asUtc.getTime())) return null;
  // Read the guess back in Kyiv and correct by the difference; twice settles a guess that fell across a change.
  let at = asUtc;
  for (let i = 0; i < 2; i++) at = new Date(at.getTime() - (new Date(`${kyivWall(at)}:00Z`).getTime() - asUtc.getTime()));
  return at;
}
