import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { operations } from "../../../src/server/operations/tables.js";
import { planBody, stateOf, verifiedCase } from "./support.js";

let s: StaffedStore<"op1" | "coord1">;
beforeAll(async () => {
  // The durations test skips hours on the test clock: sessions must outlive them.
  s = await staffedStore({ env: { SESSION_IDLE_MINUTES: "1440" }, staff: { op1: "operator", coord1: "coordinator" } });
  await s.admin.request("GET", "/api/auth/session");
});
afterAll(async () => s?.close());

/** Two verified cases on an operation whose instructions went out: both scheduled. */
const scheduled = async () => {
  const a = await verifiedCase(s.ctx, s.staff.op1);
  const b = await verifiedCase(s.ctx, s.staff.op1);
  const r = await s.staff.coord1.request("POST", "/api/operations", planBody([a, b], new Date(s.clock.now().getTime() + 6 * 3600_000)));
  expect(r.statusCode, r.body).toBe(201);
  const opId = String(r.json().id);
  expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
  expect([await stateOf(s.ctx, a), await stateOf(s.ctx, b)]).toEqual(["scheduled", "scheduled"]);
  return { opId, cases: [a, b] };
};
/** The states a case went through, as its history shows them to the coordinator. */
const pathOf = async (caseId: string) =>
  ((await s.staff.coord1.request("GET", `/api/cases/${caseId}`)).json().events as { toState: string | null }[]).map((e) => e.toState).filter((x): x is string => !!x);
const summaryOf = async (opId: string) => (await s.ctx.db.select({ summary: operations.summary }).from(operations).where(eq(operations.id, opId)))[0]!.summary;
const close = async (opId: string, body: object) => {
  const r = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, body);
  expect(r.statusCode, r.body).toBe(200);
};

describe(`the outcome moves every case of the operation (${process.env.TEST_STORE})`, () => {
  it("no-show, then planning again: each case passes through no_show back to planning", async () => {
    const { opId, cases } = await scheduled();
    await close(opId, { outcome: "no_show", then: "planning" });
    for (const id of cases) {
      expect(await stateOf(s.ctx, id)).toBe("planning");
      expect((await pathOf(id)).slice(-3)).toEqual(["scheduled", "no_show", "planning"]);
    }
    expect(await summaryOf(opId)).toMatchObject({ outcome: "no_show", groupSize: 2, escortMinutes: null });
  });

  it("no-show, then closed: each case is closed, not sent back to planning", async () => {
    const { opId, cases } = await scheduled();
    await close(opId, { outcome: "no_show", then: "closed" });
    for (const id of cases) {
      expect(await stateOf(s.ctx, id)).toBe("closed");
      expect((await pathOf(id)).slice(-3)).toEqual(["scheduled", "no_show", "closed"]);
    }
    expect(await summaryOf(opId)).toMatchObject({ outcome: "no_show" });
  });

  it("aborted, then closed: each case is closed and the reason stays on the aborted step", async () => {
    const { opId, cases } = await scheduled();
    await close(opId, { outcome: "aborted", reason: "обстрел в секторе", then: "closed" });
    for (const id of cases) {
      expect(await stateOf(s.ctx, id)).toBe("closed");
      const events = (await s.staff.coord1.request("GET", `/api/cases/${id}`)).json().events as { toState: string | null; reason: string | null }[];
      const moves = events.filter((e) => e.toState);
      expect(moves.slice(-2).map((e) => [e.toState, e.reason ?? ""])).toEqual([
        ["aborted", "обстрел в секторе"],
        ["closed", ""],
      ]);
    }
    expect(await summaryOf(opId)).toMatchObject({ outcome: "aborted" });
  });

  it("a case sent back to planning can go on a new operation; a closed one cannot", async () => {
    const first = await scheduled();
    await close(first.opId, { outcome: "no_show", then: "planning" });
    const second = await scheduled();
    await close(second.opId, { outcome: "no_show", then: "closed" });
    const later = () => new Date(s.clock.now().getTime() + 6 * 3600_000);
    const again = await s.staff.coord1.request("POST", "/api/operations", planBody([first.cases[0]!], later()));
    expect(again.statusCode, again.body).toBe(201);
    const refused = await s.staff.coord1.request("POST", "/api/operations", planBody([second.cases[0]!], later()));
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.body).toContain("is closed");
  });
});

describe(`what remains after close (${process.env.TEST_STORE})`, () => {
  it("keeps the durations, bare numbers: lead time, the escort from launch to handover, the whole operation", async () => {
    const { opId } = await scheduled();
    // Planned at t0 for t0 + 6 h; launched at t0 + 5 h 50 min, handed over 37 minutes later.
    s.clock.tick(5 * 3600_000 + 50 * 60_000);
    for (const [state, after] of [["launched", 0], ["contact_made", 12], ["escorting", 5], ["handed_over", 20]] as const) {
      s.clock.tick(after * 60_000);
      expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/escort`, { state })).statusCode).toBe(200);
    }
    s.clock.tick(8 * 60_000);
    await close(opId, { outcome: "handed_over" });
    const item = (await s.staff.coord1.request("GET", "/api/operations")).json().items.find((i: { id: string }) => i.id === opId);
    expect(item.summary).toEqual({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), oblast: "UA-23", groupSize: 2, outcome: "handed_over", minutesPlanned: 360, escortMinutes: 37, minutesOpen: 350 + 37 + 8 });
  });
});
