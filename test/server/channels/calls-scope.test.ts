import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { callbacks, calls } from "../../../src/server/channels/tables.js";
import { messages } from "../../../src/server/db/schema.js";
import { texts } from "../../../src/server/channels/telegram/catalog.js";
import { createStaff, type StaffClient } from "../../support/staff.js";
import { channelHarness, openAsOperator, type Harness } from "./support/harness.js";

/**
 * Issue 10, item 6. An operator of the intake team logs "calls" with numbers he wants to test.
 * Before the fix, a number known to a case of another team answered `joined: "number"` (an
 * oracle: that person is in the system) and the call, its note and a callback were written into
 * that other team's case. Now the answer for a known number outside his scope is exactly the
 * answer for an unknown one, and the other case only gets a note for its own team.
 */
let h: Harness;
let coordinator: StaffClient;
beforeAll(async () => {
  h = await channelHarness();
  coordinator = await createStaff(h.staff, h.ctx, h.admin, "verifier", "ver6", h.clock);
  await h.admin.request("POST", "/api/teams/verification/members", { userId: coordinator.userId });
  await h.admin.request("GET", "/api/auth/session");
  await coordinator.request("GET", "/api/auth/session");
});
afterAll(async () => {
  await h.cleanup();
});

const call = (body: Record<string, unknown>) => h.op.request("POST", "/api/calls", { calledAt: h.clock.now().toISOString(), summary: "Проверочный звонок", ...body });
const shape = (r: { callId: string; caseId: string | null; joined: string; callbackId: string | null }) => ({ callId: typeof r.callId, caseId: typeof r.caseId, joined: r.joined, callbackId: typeof r.callbackId });

describe("logging a call with the number of another team's case", () => {
  it("answers as for an unknown number, writes nothing into that case but a note for its team", async () => {
    // A real applicant called; his case was handed to the verification team.
    const first = (await call({ callbackNumber: "+7 912 000 66 66", summary: "настоящий заявитель" })).json();
    expect(first.joined).toBe("new");
    expect((await h.op.request("POST", `/api/cases/${first.caseId}/assign`, { teamId: "verification", userId: null })).statusCode).toBe(204);
    expect((await h.op.request("GET", `/api/cases/${first.caseId}`)).statusCode).toBe(404); // out of his scope now
    const before = {
      calls: (await h.ctx.db.select({ n: count() }).from(calls).where(eq(calls.caseId, first.caseId)))[0]!.n,
      messages: (await h.ctx.db.select({ n: count() }).from(messages).where(eq(messages.caseId, first.caseId)))[0]!.n,
    };

    // The probe: the known number, with a callback, and an unknown number for comparison.
    const known = await call({ callbackNumber: "89120006666", summary: "CANARY-PROBE6666X", callback: { dueAt: h.clock.now().toISOString() } });
    const unknown = await call({ callbackNumber: "+7 912 000 77 77", summary: "другой номер", callback: { dueAt: h.clock.now().toISOString() } });
    expect([known.statusCode, unknown.statusCode]).toEqual([201, 201]);
    expect(shape(known.json())).toEqual(shape(unknown.json()));
    expect(known.json()).toMatchObject({ joined: "new", caseId: expect.any(String) });
    expect(known.json().caseId).not.toBe(first.caseId);

    // Nothing of the probe went into the other team's case: no call, no callback, no summary.
    expect((await h.ctx.db.select({ n: count() }).from(calls).where(eq(calls.caseId, first.caseId)))[0]!.n).toBe(before.calls);
    expect(await h.ctx.db.select().from(callbacks).where(eq(callbacks.caseId, first.caseId))).toEqual([]);
    const theirs = (await coordinator.request("GET", `/api/cases/${first.caseId}`)).json() as { number: number; messages: { body: string }[] };
    expect(theirs.messages).toHaveLength(before.messages + 1);
    const probeCase = await openAsOperator(h, known.json().caseId);
    // The owning team is told, with the new case's number, and nothing the prober wrote.
    const flag = theirs.messages.at(-1)!.body;
    expect(flag).toBe(texts.notes.callElsewhere.replace("{{number}}", String((probeCase as unknown as { number: number }).number)));
    expect(JSON.stringify(theirs)).not.toContain("CANARY-PROBE6666X");
    // And the prober's own new case says nothing about the other one.
    expect(probeCase.messages.map((m) => m.body)).toEqual(["CANARY-PROBE6666X"]);
  });

  it("still joins a known number's case in his own scope", async () => {
    const a = (await call({ callbackNumber: "+7 912 000 88 88" })).json();
    const b = (await call({ callbackNumber: "+7 912 000 88 88", summary: "снова" })).json();
    expect(b).toMatchObject({ caseId: a.caseId, joined: "number" });
  });

  it("a call logged on his own case with that number does not reveal the other case either", async () => {
    const own = (await call({ summary: "без номера" })).json();
    await call({ caseId: own.caseId, callbackNumber: "+7 912 000 66 66", summary: "дозвонились" });
    expect((await openAsOperator(h, own.caseId)).messages.map((m) => m.body)).toEqual(["без номера", "дозвонились"]);
  });
});
