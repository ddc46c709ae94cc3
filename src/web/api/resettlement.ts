import type { z } from "zod";
import type { guaranteeBody, memberBody, stepBody, taskUpdateBody, ResettlementBoard, ResettlementCard } from "../../shared/api/resettlement";
import { get, post, request } from "./client";

export type { ResettlementBoard, ResettlementCard };
export type GuaranteeInput = z.input<typeof guaranteeBody>;
export type MemberInput = z.input<typeof memberBody>;
export type StepInput = z.input<typeof stepBody>;

export const resettlementKeys = { board: ["resettlement", "board"] as const, card: (caseId: string) => ["resettlement", "card", caseId] as const };

const base = (caseId: string) => `/api/resettlement/cases/${caseId}`;
export const resettlementApi = {
  board: () => get<ResettlementBoard>("/api/resettlement/board"),
  card: (caseId: string) => get<ResettlementCard>(base(caseId)),
  addGuarantee: (caseId: string, b: GuaranteeInput) => post<{ id: string }>(`${base(caseId)}/guarantees`, b),
  addMember: (caseId: string, b: MemberInput) => post<{ id: string }>(`${base(caseId)}/family`, b),
  addStep: (caseId: string, memberId: string, b: StepInput) => post<{ id: string }>(`${base(caseId)}/family/${memberId}/steps`, b),
  addOfficer: (caseId: string, userId: string) => post<{ ok: true }>(`${base(caseId)}/officers`, { userId }),
  updateTask: (caseId: string, taskId: string, b: z.input<typeof taskUpdateBody>) => request<{ ok: true }>("PATCH", `${base(caseId)}/tasks/${taskId}`, b),
};
