import { useQuery } from "@tanstack/react-query";
import { get, patch, post, upload } from "./client";

/** The reward schedule as the server holds it (effective-dated versions, src/server/rewards). */
export interface ScheduleItem {
  code: string;
  label: string;
  min: number;
  max: number;
}
export interface ScheduleVersion {
  id: string;
  effectiveFrom: string;
  currency: string;
  source: string;
  items: ScheduleItem[];
  proposedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
}
export interface ScheduleProposal {
  effectiveFrom: string;
  currency: string;
  source: string;
  items: ScheduleItem[];
}

export const rewardsApi = {
  schedule: (on?: string) => get<{ inForce: ScheduleVersion; versions: ScheduleVersion[] }>(`/api/rewards/schedule${on ? `?on=${encodeURIComponent(on)}` : ""}`),
  propose: (body: ScheduleProposal) => post<{ id: string }>("/api/rewards/schedule", body),
  approve: (id: string) => post<void>(`/api/rewards/schedule/${encodeURIComponent(id)}/approve`, {}),
};

/** The equipment codes of the schedule in force today, read once per session (the law changes rarely). */
export function useEquipmentCodes(): string[] {
  const q = useQuery({ queryKey: ["rewards", "schedule"], queryFn: () => rewardsApi.schedule(), staleTime: 3_600_000 });
  return q.data?.inForce.items.map((i) => i.code) ?? [];
}

/**
 * The version in force on a handover day, for the claim form. Never cached past the form's
 * mount: a version approved by another administrator (in another browser) must be the one the
 * officer sees the next time he opens the form, not an hour later.
 */
export function useScheduleOn(day: string) {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(day);
  return useQuery({ queryKey: ["rewards", "schedule", "on", day], queryFn: () => rewardsApi.schedule(day), enabled: valid, staleTime: 0, refetchOnMount: "always" });
}

/** What a reward officer may know of the operations a case is on: id, state, the day once closed. Never the details. */
export interface CaseOperation {
  id: string;
  state: "planning" | "scheduled" | "closed";
  plannedOn: string | null;
  /** What the coordinator expected him to bring (codes of a handed-over operation), as suggestions. */
  expectedEquipment?: string[];
}
export const useCaseOperations = (caseId: string) => useQuery({ queryKey: ["rewards", "case-operations", caseId], queryFn: () => get<CaseOperation[]>(`/api/rewards/cases/${encodeURIComponent(caseId)}/operations`) });

export interface ClaimSummary {
  id: string;
  caseNumber: number;
  equipmentCode: string;
  state: string;
  secret: boolean;
  handedOverOn: string;
  amountCents: number | null;
  currency: string;
  approvedCents: number;
  paidCents: number;
  balanceCents: number;
}
/** The operation a claim came from: once closed, only what the close left in clear (day, oblast, outcome). */
export interface ClaimOperation {
  id: string;
  state: CaseOperation["state"];
  closed: { day: string; oblast: string; outcome: "handed_over" | "no_show" | "aborted" } | null;
}
export interface Claim extends ClaimSummary {
  operationId: string | null;
  operation: ClaimOperation | null;
  identifying: Record<string, string>;
  inspection: { serviceability: string; inspectedOn: string | null; findings: string | null } | null;
  ledger: { seq: number; at: string; kind: string; amountCents: number; reference: string | null }[];
}

/** A photo of the inspection, as the server lists it (name decrypted, who added it). */
export interface ClaimPhoto {
  id: string;
  name: string;
  type: string;
  size: number;
  createdAt: string;
  addedBy: string | null;
}

const claimPath = (id: string) => `/api/rewards/claims/${encodeURIComponent(id)}`;

export const claimsApi = {
  list: () => get<ClaimSummary[]>("/api/rewards/claims"),
  create: (body: { caseId: string; operationId?: string; equipmentCode: string; handedOverOn: string; identifying: { serialNumber?: string; registrationNumber?: string }; secret: boolean }) => post<{ id: string }>("/api/rewards/claims", body),
  open: (id: string) => get<Claim>(`/api/rewards/claims/${encodeURIComponent(id)}`),
  inspect: (id: string, inspection: { serviceability: string; inspectedOn: string; findings?: string }) => patch<void>(`/api/rewards/claims/${encodeURIComponent(id)}`, { inspection }),
  assess: (id: string, body: { amount?: number; reason?: string }) => post<{ amountCents: number }>(`/api/rewards/claims/${encodeURIComponent(id)}/assess`, body),
  approve: (id: string) => post<{ state: string }>(`/api/rewards/claims/${encodeURIComponent(id)}/approve`, {}),
  photos: (id: string) => get<ClaimPhoto[]>(`${claimPath(id)}/photos`),
  addPhoto: (id: string, file: File) => upload<{ id: string; size: number }>(`${claimPath(id)}/photos`, file),
  photoUrl: (id: string, photoId: string) => `${claimPath(id)}/photos/${encodeURIComponent(photoId)}`,
  pay: (id: string, body: { amountCents: number; method: string; reference: string; payee: { name: string } }) => post<{ seq: number }>(`/api/rewards/claims/${encodeURIComponent(id)}/payments`, body),
};

/** Cents as money in the reader's language: 50000000 USD → "$500,000.00". */
export const money = (cents: number, currency: string, lang: string) => new Intl.NumberFormat(lang, { style: "currency", currency }).format(cents / 100);

/** A schedule row's amount in whole units as the reader writes money: one sum, or the range the assessor chooses in. */
export const scheduleAmount = (i: Pick<ScheduleItem, "min" | "max">, currency: string, lang: string) => (i.min === i.max ? money(i.min * 100, currency, lang) : `${money(i.min * 100, currency, lang)} – ${money(i.max * 100, currency, lang)}`);

/** How the reward pages name an operation: the start of its id (operations have no number of their own). */
export const operationRef = (id: string) => id.slice(0, 8);
