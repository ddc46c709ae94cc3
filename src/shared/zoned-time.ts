/**
 * Times of operations and staff deadlines: stored as UTC instants, shown in a named zone through the platform's
 * time-zone data (Intl), never through a fixed offset: Kyiv keeps summer time and Moscow does not,
 * so the hour between them comes and goes on the last Sundays of March and October.
 */
export const STAFF_ZONE = "Europe/Kyiv";
export const DEFAULT_APPLICANT_ZONE = "Europe/Moscow";

/** A zone Intl knows (so a typo is refused at the edge rather than shown as UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * One formatter per zone, kept: a new Intl.DateTimeFormat per call holds native (ICU) memory until
 * the collector gets round to it, which is how thread reads once grew the server by gigabytes
 * (the same fix as the applicant pages' formatters, intake/views/layout.ts). The board formats
 * two times per operation on every refresh.
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    FORMATTERS.set(zone, f);
  }
  return f;
}

/** "27.10.2025 05:00" in `zone`. */
export function formatIn(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}

/** "05:00" in `zone`. */
export function clockIn(at: Date, zone: string): string {
  return formatIn(at, zone).slice(11);
}

/** Today as the staff's calendar has it (Kyiv), YYYY-MM-DD: a deadline of yesterday is past from Kyiv's midnight. */
export function staffToday(now: Date): string {
  const [d, m, y] = formatIn(now, STAFF_ZONE).slice(0, 10).split(".");
  return `${y}-${m}-${d}`;
}
