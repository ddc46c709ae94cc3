import type { z } from "zod";
import type { registerEntrySchema, registrationSchema } from "../../shared/api/registration";
import type { CardSent, choiceWriteSchema, EventWrite, RecordWrite } from "../../shared/registration";
import { get, post, postForBlob, put } from "./client";
import { query } from "./query-string";

export type RegisterEntry = z.infer<typeof registerEntrySchema>;
export type Registration = z.infer<typeof registrationSchema>;
export type ChoiceWrite = z.input<typeof choiceWriteSchema>;
export interface Choice {
  choice: ChoiceWrite["choice"];
  date: string;
  words?: string;
  updatedAt: string;
}
export interface BureauExport {
  id: string;
  fromDate: string;
  toDate: string;
  requestedBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  runAt: string | null;
  createdAt: string;
}
export interface RegisterFilter {
  state?: string;
  number?: number;
  name?: string;
  cards?: "due" | "overdue";
}

const one = (caseId: string) => `/api/registration/cases/${caseId}`;
export const registrationApi = {
  register: (f: RegisterFilter) => get<RegisterEntry[]>(`/api/registration/register${query({ ...f })}`),
  open: (caseId: string) => get<Registration>(one(caseId)),
  saveRecord: (caseId: string, body: RecordWrite) => put<{ art17Complete: boolean; missing: string[] }>(`${one(caseId)}/record`, body),
  addEvent: (caseId: string, body: EventWrite) => post<{ id: string; newCard: boolean }>(`${one(caseId)}/events`, body),
  choice: (caseId: string) => get<Choice>(`${one(caseId)}/choice`),
  recordChoice: (caseId: string, body: ChoiceWrite) => put<{ sealedTo: string[] }>(`${one(caseId)}/choice`, body),
  printCard: (caseId: string, cardId: string, copy: "family" | "agency") => postForBlob(`${one(caseId)}/cards/${cardId}/print`, { copy }),
  markCardSent: (caseId: string, cardId: string, body: CardSent) => post<{ copy: string; sentOn: string; via: string }>(`${one(caseId)}/cards/${cardId}/sent`, body),
  exports: () => get<BureauExport[]>("/api/registration/exports"),
  requestExport: (from: string, to: string) => post<{ id: string }>("/api/registration/exports", { from, to }),
  approveExport: (id: string) => post<void>(`/api/registration/exports/${id}/approve`),
  runExport: (id: string, format: "csv" | "json", recipientPublicKey?: string) => postForBlob(`/api/registration/exports/${id}/run`, { format, ...(recipientPublicKey ? { recipientPublicKey } : {}) }),
};

/** Hand a file the server made (a card, the bureau's list) to the browser as a download; nothing stays in the page. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
