import { get, post } from "./client";

/** The questionnaire codes (src/shared/questionnaire.ts); labels are in the catalogs. */
import { CONTACTS, DEPLOYED, REGIONS, TIMINGS } from "../../shared/questionnaire";
export { CONTACTS, DEPLOYED, REGIONS, TIMINGS };

export interface Questionnaire {
  groupSize?: number;
  deployed?: (typeof DEPLOYED)[number];
  region?: (typeof REGIONS)[number];
  timing?: (typeof TIMINGS)[number];
  /** Codes of the reward schedule in force (served by /api/rewards/schedule, api/rewards.ts). */
  equipment?: string[];
  contact?: (typeof CONTACTS)[number];
}

export interface LogCallInput {
  calledAt: string;
  direction: "in" | "out";
  callbackNumber?: string;
  summary: string;
  questionnaire: Questionnaire;
  caseId?: string;
  callback?: { dueAt: string; assign: "me" | "team" };
}

export interface LoggedCall {
  callId: string;
  /** Null when the number joined a case of another team, which this operator may not open. */
  caseId: string | null;
  joined: "case" | "number" | "new";
  callbackId: string | null;
}

export interface Call {
  id: string;
  calledAt: string;
  operatorId: string;
  direction: "in" | "out";
  callbackNumber: string | null;
  summary: string;
  questionnaire: Questionnaire;
}

export interface Callback {
  id: string;
  caseId: string;
  caseNumber: number;
  caseState: string;
  callId: string | null;
  dueAt: string;
  overdue: boolean;
  assignedUserId: string | null;
}

export const callsApi = {
  log: (input: LogCallInput) => post<LoggedCall>("/api/calls", input),
  list: (caseId: string) => get<Call[]>(`/api/calls?caseId=${encodeURIComponent(caseId)}`),
  callbacks: (due: "now" | "all") => get<Callback[]>(`/api/callbacks?due=${due}`),
  done: (id: string) => post<void>(`/api/callbacks/${encodeURIComponent(id)}/done`),
  retryDelivery: (messageId: string, caseId: string) => post<void>(`/api/channels/deliveries/${encodeURIComponent(messageId)}/retry`, { caseId }),
};
