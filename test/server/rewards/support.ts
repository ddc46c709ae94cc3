import { expect } from "vitest";
import { recordIntake } from "../../../src/server/cases/index.js";
import type { AppContext } from "../../../src/server/context.js";
import type { StaffClient } from "../../support/staff.js";

/** A case sent to the rewards team by the operator who took it (every admitted reward officer holds its key). */
export async function rewardsCase(ctx: AppContext, operator: StaffClient) {
  const { caseId } = await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Соколов Игорь" } }, message: "Перегоню вертолёт" });
  const r = await operator.request("POST", `/api/cases/${caseId}/assign`, { teamId: "rewards" });
  expect(r.statusCode, r.body).toBe(204);
  return caseId;
}

/** Open a claim and record a serviceable inspection; returns its id. */
export async function inspectedClaim(officer: StaffClient, caseId: string, o: { code?: string; on?: string; secret?: boolean; serial?: string } = {}) {
  const c = await officer.request("POST", "/api/rewards/claims", { caseId, equipmentCode: o.code ?? "combat_helicopter", handedOverOn: o.on ?? "2026-05-20", identifying: { serialNumber: o.serial ?? "Ми-8АМТШ № 59489617" }, secret: o.secret ?? false });
  expect(c.statusCode, c.body).toBe(201);
  const id = c.json().id as string;
  const i = await officer.request("PATCH", `/api/rewards/claims/${id}`, { inspection: { serviceability: "serviceable", inspectedOn: o.on ?? "2026-05-20", findings: "исправен, боекомплект снят" } });
  expect(i.statusCode, i.body).toBe(204);
  return id;
}

/** Assessed by `a`, approved by `b` then `c`. */
export async function approvedClaim(a: StaffClient, b: StaffClient, c: StaffClient, id: string, assessment: Record<string, unknown> = {}) {
  expect((await a.request("POST", `/api/rewards/claims/${id}/assess`, assessment)).statusCode).toBe(200);
  expect((await b.request("POST", `/api/rewards/claims/${id}/approve`, {})).json().state).toBe("first_approved");
  expect((await c.request("POST", `/api/rewards/claims/${id}/approve`, {})).json().state).toBe("approved");
}
