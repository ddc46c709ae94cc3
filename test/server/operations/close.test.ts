import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { registerGuard } from "../../../src/server/cases/index.js";
import { runRetention } from "../../../src/server/retention/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { operationCases, operationKeys, operations } from "../../../src/server/operations/tables.js";
import { PLANTED, planBody, stateOf, verifiedCase } from "./support.js";

let s: StaffedStore<"op1" | "coord1">;
beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", coord1: "coordinator" } });
  await s.admin.request("GET", "/api/auth/session");
});
afterAll(async () => s?.close());

const plan = async (caseIds: string[]) => {
  const r = await s.staff.coord1.request("POST", "/api/operations", planBody(caseIds, new Date(s.clock.now().getTime() + 6 * 3600_000)));
  expect(r.statusCode, r.body).toBe(201);
  return String(r.json().id);
};
const threadHasPlace = async (caseId: string) => ((await s.staff.coord1.request("GET", `/api/cases/${caseId}`)).json().messages as { body: string }[]).some((m) => m.body.includes(PLANTED.place));

describe(`closing an operation is all or nothing (${process.env.TEST_STORE})`, () => {
  it("a failure at the second case leaves the operation whole; the retry closes it", async () => {
    const a = await verifiedCase(s.ctx, s.staff.op1);
    const b = await verifiedCase(s.ctx, s.staff.op1);
    const opId = await plan([a, b]);
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    // The second case refuses to move, after the first has moved inside the same transaction.
    let refuse = true;
    let moves = 0;
    const remove = registerGuard({ to: "handed_over" }, "test-refusal", async () => (refuse && ++moves === 2 ? "refused by the test" : null));
    try {
      const failed = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" });
      expect(failed.statusCode, failed.body).toBe(409);
      expect(await stateOf(s.ctx, a)).toBe("scheduled");
      expect(await stateOf(s.ctx, b)).toBe("scheduled");
      const op = await s.staff.coord1.request("GET", `/api/operations/${opId}`);
      expect(op.statusCode).toBe(200);
      expect(op.body).toContain(PLANTED.callSign);
      expect((await s.ctx.db.select().from(operationKeys).where(eq(operationKeys.operationId, opId))).length).toBe(1);
      expect((await s.ctx.db.select().from(operationCases).where(eq(operationCases.operationId, opId))).length).toBe(2);
      expect(await threadHasPlace(a)).toBe(true);
      refuse = false;
      const closed = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" });
      expect(closed.statusCode, closed.body).toBe(200);
    } finally {
      remove();
    }
    expect([await stateOf(s.ctx, a), await stateOf(s.ctx, b)]).toEqual(["handed_over", "handed_over"]);
    expect(await threadHasPlace(a)).toBe(false);
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" })).statusCode).toBe(404);
  });

  it("an aborted close moves each case twice (aborted, then planning) and tells him it is off", async () => {
    const a = await verifiedCase(s.ctx, s.staff.op1);
    const opId = await plan([a]);
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    const r = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "aborted", reason: "обстрел", then: "planning" });
    expect(r.statusCode, r.body).toBe(200);
    expect(await stateOf(s.ctx, a)).toBe("planning");
    const bodies = ((await s.staff.coord1.request("GET", `/api/cases/${a}`)).json().messages as { body: string }[]).map((m) => m.body);
    expect(bodies).toContain("Инструкции удалены после операции.");
    expect(bodies.some((b) => b.includes("Выход отменён"))).toBe(true);
  });
});

describe(`retention and operations (${process.env.TEST_STORE})`, () => {
  it("purges a case still linked to an open operation: the link goes with it, the operation stays", async () => {
    const gone = await verifiedCase(s.ctx, s.staff.op1);
    const stays = await verifiedCase(s.ctx, s.staff.op1);
    const opId = await plan([gone, stays]);
    // The coordinator sends one man back to waiting (the case route, not the operation's): he stays linked.
    const back = await s.staff.coord1.request("POST", `/api/cases/${gone}/transition`, { to: "awaiting_deployment", reason: "ждёт" });
    expect(back.statusCode, back.body).toBe(200);
    const by = sql`${"200 days"}::interval`;
    await s.ctx.db.execute(sql`UPDATE cases SET created_at = created_at - ${by}, updated_at = updated_at - ${by}, last_inbound_at = last_inbound_at - ${by}, last_outbound_at = last_outbound_at - ${by} WHERE id = ${gone}`);
    await s.ctx.db.execute(sql`UPDATE case_events SET at = at - ${by} WHERE case_id = ${gone}`);
    const run = await runRetention(s.ctx, { dryRun: false });
    expect(run.failed).toBe(0);
    expect(run.items.map((i) => i.caseId)).toContain(gone);
    expect((await s.ctx.db.select().from(cases).where(eq(cases.id, gone))).length).toBe(0);
    expect((await s.ctx.db.select().from(operationCases).where(eq(operationCases.operationId, opId))).map((l) => l.caseId)).toEqual([stays]);
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).statusCode).toBe(200);
    expect((await s.ctx.db.select({ state: operations.state }).from(operations).where(eq(operations.id, opId)))[0]!.state).toBe("planning");
  });
});
