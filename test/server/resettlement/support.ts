import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { cases } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { StaffClient } from "../../support/staff.js";

/** Put a case on the resettlement team (every resettlement officer has it in scope; none is on its file yet). */
export async function onResettlementTeam(ctx: AppContext, caseId: string) {
  await ctx.db.update(cases).set({ teamId: "resettlement" }).where(eq(cases.id, caseId));
}

/** A day `days` from the clock's today (UTC; the tests keep well away from midnight edges by whole days). */
export const dayFrom = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/** A guarantee task, a family member and one step of his relocation, through the API; returns their ids. */
export async function fileWith(officer: StaffClient, caseId: string, o: { notes: string; name: string; whereabouts: string; contact: string; step: string; dueOn: string; stepDueOn: string }) {
  const g = await officer.request("POST", `/api/resettlement/cases/${caseId}/guarantees`, { kind: "third_country", dueOn: o.dueOn, notes: o.notes });
  expect(g.statusCode, g.body).toBe(201);
  const m = await officer.request("POST", `/api/resettlement/cases/${caseId}/family`, { name: o.name, relation: "мать", whereabouts: o.whereabouts, contact: o.contact, consent: true });
  expect(m.statusCode, m.body).toBe(201);
  const s = await officer.request("POST", `/api/resettlement/cases/${caseId}/family/${m.json().id}/steps`, { step: o.step, dueOn: o.stepDueOn, notes: o.notes });
  expect(s.statusCode, s.body).toBe(201);
  return { guaranteeId: g.json().id as string, memberId: m.json().id as string, stepId: s.json().id as string };
}
