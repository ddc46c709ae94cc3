import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { calls } from "../../../src/server/channels/tables.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { createStaff, type StaffClient } from "../../support/staff.js";
import { caseIdOf, channelHarness, openAsOperator, postUpdate, readRecorded, type Harness } from "./support/harness.js";

let h: Harness;
let verifier: StaffClient;
beforeAll(async () => {
  h = await channelHarness();
  verifier = await createStaff(h.staff, h.ctx, h.admin, "verifier", "ver1", h.clock);
  await h.admin.request("GET", "/api/auth/session");
});
afterAll(async () => {
  await h.cleanup();
});

const call = (body: Record<string, unknown>, who: StaffClient = h.op) => who.request("POST", "/api/calls", { calledAt: new Date().toISOString(), summary: "Звонил, хочет сдаться, CANARY-CALLSUMMARY1", ...body });

describe("phone calls and callbacks", () => {
  it("a call from a new number opens a phone case with the questionnaire; the next call from it joins that case", async () => {
    const first = await call({ callbackNumber: "+7 (999) 123-45-67", questionnaire: { groupSize: 2, deployed: "soon", region: "kursk", equipment: ["mlrs"] } });
    expect(first.statusCode).toBe(201);
    const a = first.json();
    expect(a).toMatchObject({ joined: "new", callbackId: null });
    const c = await openAsOperator(h, a.caseId);
    expect(c.channel).toBe("phone");
    expect(c.sections.questionnaire).toEqual({ groupSize: 2, deployed: "soon", region: "kursk", equipment: ["mlrs"] });
    expect(c.sections.contact).toEqual({ preferred: "phone", phone: "+79991234567" });
    expect(c.messages.map((m) => [m.direction, m.body])).toEqual([["note", "Звонил, хочет сдаться, CANARY-CALLSUMMARY1"]]);

    const second = await call({ callbackNumber: "89991234567", summary: "Перезвонил сам", callback: { dueAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(second.json()).toMatchObject({ caseId: a.caseId, joined: "number", callbackId: expect.any(String) });
    const list = (await h.op.request("GET", `/api/calls?caseId=${a.caseId}`)).json();
    expect(list.map((x: { summary: string; callbackNumber: string }) => [x.summary, x.callbackNumber])).toEqual([
      ["Перезвонил сам", "+79991234567"],
      ["Звонил, хочет сдаться, CANARY-CALLSUMMARY1", "+79991234567"],
    ]);
    const stored = await h.ctx.db.select().from(calls).where(eq(calls.caseId, a.caseId));
    for (const s of stored) expect(s.record.toString("utf8")).not.toMatch(/CANARY|79991234567/);
    const audit = await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, "call.logged"));
    expect(audit.map((x) => x.details.joined)).toEqual(["new", "number"]);
  });

  it("a call from the number a Telegram applicant shared as his own contact joins his Telegram case", async () => {
    for (const f of ["01-start.json", "04-contact.json"]) expect((await postUpdate(h, readRecorded(f))).statusCode).toBe(200);
    const [telegramCase] = await caseIdOf(h, "telegram_id", "700100200");
    const r = await call({ callbackNumber: "+79990001122", summary: "Тот же человек по телефону" });
    expect(r.json()).toMatchObject({ caseId: telegramCase, joined: "number" });
    expect((await openAsOperator(h, telegramCase!)).messages.at(-1)!.body).toBe("Тот же человек по телефону");
  });

  it("joins a named case, and refuses a case outside the operator's scope as not found", async () => {
    const base = (await call({ summary: "без номера" })).json();
    expect(base.joined).toBe("new");
    const r = await call({ caseId: base.caseId, summary: "дозвонились" });
    expect(r.json()).toMatchObject({ caseId: base.caseId, joined: "case" });
    expect((await call({ caseId: "00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
  });

  it("validates input, and lets only roles that may create cases log calls", async () => {
    expect((await call({ callbackNumber: "не номер" })).statusCode).toBe(400);
    expect((await call({ summary: "" })).statusCode).toBe(400);
    expect((await call({ questionnaire: { region: "atlantis" } })).statusCode).toBe(400);
    expect((await call({ calledAt: "вчера" })).statusCode).toBe(400);
    expect((await call({}, verifier)).statusCode).toBe(403);
  });

  it("lists due callbacks in scope and marks them done", async () => {
    const due = (await call({ callbackNumber: "+380 67 000 11 22", callback: { dueAt: new Date(h.clock.now().getTime() - 60_000).toISOString() } })).json();
    const later = (await call({ callbackNumber: "+380 67 000 11 33", callback: { dueAt: new Date(h.clock.now().getTime() + 86_400_000).toISOString(), assign: "team" } })).json();
    const now = (await h.op.request("GET", "/api/callbacks?due=now")).json();
    expect(now.map((c: { id: string }) => c.id)).toContain(due.callbackId);
    expect(now.map((c: { id: string }) => c.id)).not.toContain(later.callbackId);
    expect(now.find((c: { id: string }) => c.id === due.callbackId)).toMatchObject({ caseId: due.caseId, overdue: true, assignedUserId: h.op.userId, caseNumber: expect.any(Number) });
    const all = (await h.op.request("GET", "/api/callbacks")).json();
    expect(all.find((c: { id: string }) => c.id === later.callbackId)).toMatchObject({ overdue: false, assignedUserId: null });
    // Outside the verifier's scope (intake team's cases): not listed, and "not found" to complete.
    expect((await verifier.request("GET", "/api/callbacks")).json()).toEqual([]);
    expect((await verifier.request("POST", `/api/callbacks/${due.callbackId}/done`)).statusCode).toBe(404);
    expect((await h.op.request("POST", `/api/callbacks/${due.callbackId}/done`)).statusCode).toBe(204);
    expect((await h.op.request("GET", "/api/callbacks?due=now")).json().map((c: { id: string }) => c.id)).not.toContain(due.callbackId);
  });
});
