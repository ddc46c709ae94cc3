import type { PendingAdmission } from "../../shared/api/staff";
import type { TeamId } from "../../shared/case-states";
import { get, post } from "./client";

export type { PendingAdmission } from "../../shared/api/staff";

const one = (teamId: TeamId, userId: string) => `/api/admissions/${encodeURIComponent(teamId)}/${encodeURIComponent(userId)}`;

/** Four-eyes admission: a member of the team (not the account's sponsor) seals the team key to a newcomer. */
export const admissionsApi = {
  list: () => get<PendingAdmission[]>("/api/admissions"),
  admit: (a: { teamId: TeamId; userId: string }) => post<void>(`${one(a.teamId, a.userId)}/admit`),
  decline: (a: { teamId: TeamId; userId: string }) => post<void>(`${one(a.teamId, a.userId)}/decline`),
};
