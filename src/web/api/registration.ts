import type { z } from "zod";
import type { registerEntrySchema, registrationSchema } from "../../shared/api/registration";
import { get, postForBlob } from "./client";
import { query } from "./query-string";

export type RegisterEntry = z.infer<typeof registerEntrySchema>;
export type Registration = z.infer<typeof registrationSchema>;
export interface RegisterFilter {
  state?: string;
  number?: number;
  cards?: "due" | "overdue";
}

export const registrationApi = {
  register: (f: RegisterFilter) => get<RegisterEntry[]>(`/api/registration/register${query({ ...f })}`),
  open: (caseId: string) => get<Registration>(`/api/registration/cases/${caseId}`),
  printCard: (caseId: string, cardId: string, copy: "family" | "agency") => postForBlob(`/api/registration/cases/${caseId}/cards/${cardId}/print`, { copy }),
};
