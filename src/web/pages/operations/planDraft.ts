import { fromKyivWall } from "./kyivTime";

export interface PointDraft {
  lat: number | string;
  lon: number | string;
  mgrs: string;
  description: string;
}
/** What the plan form holds (times as Kyiv wall clock, reminders as text) before it becomes the plan body. */
export interface PlanDraft {
  caseIds: string[];
  oblast: string | null;
  raion: string;
  sectorName: string;
  meeting: PointDraft;
  alternate: PointDraft;
  start: string;
  minutes: number | string;
  applicantZone: string;
  signals: string[];
  /** Codes of the reward schedule in force on the handover day. */
  equipment: string[];
  equipmentNote: string;
  unitName: string;
  liaison: string;
  callSign: string;
  escortContact: string;
  launch: string;
  reminders: string;
}

export const SIGNAL_IDS = ["white_armband", "arms_raised", "no_helmet_armour", "magazines_out", "barrel_down"] as const;
/** The zones the applicant catalogs can name (Moscow by default: the clock on the Russian side). */
export const APPLICANT_ZONES = [
  { zone: "Europe/Moscow", key: "Europe_Moscow" },
  { zone: "Europe/Kyiv", key: "Europe_Kyiv" },
  { zone: "Europe/Samara", key: "Europe_Samara" },
] as const;

const emptyPoint: PointDraft = { lat: "", lon: "", mgrs: "", description: "" };
export const EMPTY_DRAFT: PlanDraft = {
  caseIds: [],
  oblast: null,
  raion: "",
  sectorName: "",
  meeting: emptyPoint,
  alternate: emptyPoint,
  start: "",
  minutes: 30,
  applicantZone: "Europe/Moscow",
  signals: [...SIGNAL_IDS],
  equipment: [],
  equipmentNote: "",
  unitName: "",
  liaison: "",
  callSign: "",
  escortContact: "",
  launch: "",
  reminders: "120, 30",
};

/** "120, 30" → [120, 30]; null when any part is not a whole number of minutes from 5 to 1440. */
export function reminderList(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  const n = parts.map(Number);
  return n.length <= 4 && n.every((m) => Number.isInteger(m) && m >= 5 && m <= 1440) ? n : null;
}

const pointBody = (p: PointDraft) => {
  const lat = p.lat === "" ? undefined : Number(p.lat);
  const lon = p.lon === "" ? undefined : Number(p.lon);
  return { ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}), ...(p.mgrs.trim() ? { mgrs: p.mgrs.trim() } : {}), description: p.description.trim() };
};

/** The plan body the server's schema takes. Call only on a draft that passed the form's checks. */
export function planBodyOf(d: PlanDraft) {
  const start = fromKyivWall(d.start)!;
  return {
    caseIds: d.caseIds,
    sector: { oblast: d.oblast ?? "", raion: d.raion.trim(), name: d.sectorName.trim() },
    meeting: pointBody(d.meeting),
    alternate: pointBody(d.alternate),
    window: { start: start.toISOString(), end: new Date(start.getTime() + Number(d.minutes) * 60_000).toISOString() },
    applicantZone: d.applicantZone,
    signals: d.signals,
    equipment: d.equipment,
    equipmentNote: d.equipmentNote.trim(),
    unit: { name: d.unitName.trim(), liaison: d.liaison.trim() },
    escort: { callSign: d.callSign.trim(), contact: d.escortContact.trim(), plannedLaunch: fromKyivWall(d.launch)!.toISOString() },
    reminderMinutes: reminderList(d.reminders) ?? [],
  };
}
export type PlanBody = ReturnType<typeof planBodyOf>;

/** The edit body: the same details, without the cases (an edit does not change who is on it). */
export function editBodyOf(d: PlanDraft) {
  const { caseIds: _cases, ...details } = planBodyOf(d);
  return details;
}
export type EditBody = ReturnType<typeof editBodyOf>;

