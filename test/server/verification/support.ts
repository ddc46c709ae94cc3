import { expect } from "vitest";
import type { StaffClient } from "../../support/staff.js";

/** The operator takes a request to a preliminary surrender and hands it over to verification, over HTTP. */
export async function handOver(op: StaffClient, caseId: string) {
  const moved = await op.request("POST", `/api/cases/${caseId}/transition`, { to: "preliminary", reason: "данные оставлены" });
  expect(moved.statusCode, moved.body).toBe(200);
  const r = await op.request("POST", `/api/cases/${caseId}/verification/handover`, { reason: "предварительная сдача" });
  expect(r.statusCode, r.body).toBe(204);
}

/** One verifier's decision, as the console sends it. */
export const reviewAs = (who: StaffClient, caseId: string, decision: "verified" | "rejected", reasonCode: string, note?: string) =>
  who.request("POST", `/api/cases/${caseId}/verification/reviews`, { decision, reasonCode, ...(note ? { note } : {}) });
