import { get, patch, post } from "./client";
import type { EditBody, PlanBody } from "../pages/operations/planDraft";

export interface Zoned {
  utc: string;
  kyiv: string;
  applicant: string;
}
export interface OperationSummary {
  id: string;
  state: "planning" | "scheduled" | "closed";
  groupSize: number;
  onIt: boolean;
  start: Zoned | null;
  confirmed: number | null;
  summary: { date: string; oblast: string; groupSize: number; outcome: string; minutesPlanned: number; escortMinutes?: number | null; minutesOpen?: number } | null;
}
export interface Point {
  lat: number;
  lon: number;
  mgrs: string;
  description: string;
}
export const ESCORT_STATES = ["launched", "contact_made", "escorting", "contact_lost", "backup_launched", "handed_over"] as const;
export type EscortState = (typeof ESCORT_STATES)[number];
export interface OperationDetail {
  id: string;
  state: OperationSummary["state"];
  groupSize: number;
  details: {
    sector: { oblast: string; raion: string; name: string };
    meeting: Point;
    alternate: Point;
    window: { start: string; end: string };
    applicantZone: string;
    signals: string[];
    /** Codes of the reward schedule; the note is for anything outside it. */
    equipment: string[];
    equipmentNote: string;
    unit: { name: string; liaison: string };
    escort: { callSign: string; contact: string; plannedLaunch: string };
    reminderMinutes: number[];
  };
  times: { start: Zoned; end: Zoned; plannedLaunch: Zoned };
  cases: { caseId: string; instructed: boolean; confirmedAt: string | null; confirmedVia: "telegram" | "whatsapp" | "web" | "coordinator" | null }[];
  escort: { state: EscortState; at: string; note: string }[];
  people: { userId: string; displayName: string }[];
}

/** The handover operations: the board, one operation, and the coordinator's moves during it. */
export const operationsApi = {
  /** With the server's clock at the answer (`now`): the board counts down against it. */
  board: () => get<{ now: string; items: OperationSummary[] }>("/api/operations"),
  plan: (body: PlanBody) => post<{ id: string }>("/api/operations", body),
  edit: (id: string, body: EditBody) => patch<{ ok: true }>(`/api/operations/${encodeURIComponent(id)}`, body),
  one: (id: string) => get<OperationDetail>(`/api/operations/${encodeURIComponent(id)}`),
  instruct: (id: string) => post<{ ok: true }>(`/api/operations/${encodeURIComponent(id)}/instructions`),
  confirm: (id: string, caseId: string) => post<{ confirmedAt: string }>(`/api/operations/${encodeURIComponent(id)}/confirmations`, { caseId }),
  escort: (id: string, state: EscortState) => post<unknown>(`/api/operations/${encodeURIComponent(id)}/escort`, { state }),
  outcome: (id: string, body: { outcome: "handed_over" | "no_show" | "aborted"; reason?: string; then?: "planning" | "closed" }) => post<{ ok: true }>(`/api/operations/${encodeURIComponent(id)}/outcome`, body),
};
