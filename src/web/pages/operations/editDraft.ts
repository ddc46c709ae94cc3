import type { OperationDetail } from "../../api/operations";
import { kyivWall } from "./kyivTime";
import type { PlanDraft, PointDraft } from "./planDraft";

/** What an operation's details look like in the form again, to edit them (times back to Kyiv wall clock). */
export function draftOf(o: OperationDetail): PlanDraft {
  const d = o.details;
  // Latitude and longitude only: a prefilled MGRS would have to be cleared by hand before a moved point agreed with it.
  const point = (p: OperationDetail["details"]["meeting"]): PointDraft => ({ lat: p.lat, lon: p.lon, mgrs: "", description: p.description });
  return {
    caseIds: o.cases.map((c) => c.caseId),
    oblast: d.sector.oblast,
    raion: d.sector.raion,
    sectorName: d.sector.name,
    meeting: point(d.meeting),
    alternate: point(d.alternate),
    start: kyivWall(new Date(d.window.start)),
    minutes: Math.round((Date.parse(d.window.end) - Date.parse(d.window.start)) / 60_000),
    applicantZone: d.applicantZone,
    signals: d.signals,
    equipment: d.equipment,
    equipmentNote: d.equipmentNote,
    unitName: d.unit.name,
    liaison: d.unit.liaison,
    callSign: d.escort.callSign,
    escortContact: d.escort.contact,
    launch: kyivWall(new Date(d.escort.plannedLaunch)),
    reminders: d.reminderMinutes.join(", "),
  };
}
