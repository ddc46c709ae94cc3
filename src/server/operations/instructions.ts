import { CATALOGS, fill, type Lang } from "../intake/i18n.js";
import type { Details } from "./schema.js";
import { clockIn, formatIn, STAFF_ZONE } from "../../shared/zoned-time.js";

type Texts = (typeof CATALOGS)["ru"]["operations"];

function zoneName(t: Texts, zone: string): string {
  return (t.zoneNames as Record<string, string>)[zone] ?? zone;
}

/** Both clocks, always written out: his own (the operation's zone) and Kyiv's. */
function times(t: Texts, at: Date, zone: string) {
  return { applicantTime: formatIn(at, zone), applicantZoneName: zoneName(t, zone), kyivTime: formatIn(at, STAFF_ZONE) };
}

/**
 * The applicant's instructions, from the catalog templates (Russian by default): time in both
 * zones, the places as the coordinator described them (no coordinates: he navigates by what he
 * sees, and a message read over his shoulder should not hold a grid reference), the signals,
 * what to bring, what the drone does, and what to do if anything goes wrong.
 */
export function renderInstructions(d: Details, groupSize: number, lang: Lang = "ru"): string {
  const t = CATALOGS[lang].operations;
  const start = new Date(d.window.start);
  const end = new Date(d.window.end);
  const signals = d.signals.map((s) => (t.signals as Record<string, string>)[s]).filter(Boolean);
  return [
    t.title,
    fill(t.time, times(t, start, d.applicantZone)),
    fill(t.window, { from: clockIn(start, d.applicantZone), to: clockIn(end, d.applicantZone) }),
    fill(t.place, { place: d.meeting.description }),
    fill(t.alternate, { place: d.alternate.description }),
    fill(t.group, { size: groupSize }),
    [t.signalsHead, ...signals.map((s) => `• ${s}`)].join("\n"),
    ...bringing(t, d),
    t.drone,
    t.wrong,
    t.confirm,
  ].join("\n\n");
}

/**
 * The equipment by its names in his language (codes checked at planning to have one), each
 * its own item: a name may hold a comma ("БМП, БТР или другую бронемашину"); then the note.
 */
function bringing(t: Texts, d: Details): string[] {
  const names = t.equipment as Record<string, string>;
  const lines = [];
  if (d.equipment.length) lines.push(fill(t.bringEquipment, { items: d.equipment.map((c) => names[c] ?? c).join("; ") }));
  if (d.equipmentNote) lines.push(fill(t.bring, { items: d.equipmentNote }));
  return lines.length ? lines : [t.bringNothing];
}

export function renderReminder(d: Details, lang: Lang = "ru"): string {
  const t = CATALOGS[lang].operations;
  return fill(t.reminder, times(t, new Date(d.window.start), d.applicantZone));
}

export const cancellationText = (lang: Lang = "ru") => CATALOGS[lang].operations.cancelled;
export const removedText = (lang: Lang = "ru") => CATALOGS[lang].operations.removed;
