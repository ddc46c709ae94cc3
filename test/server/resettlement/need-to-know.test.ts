import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { channelOutbox } from "../../../src/server/channels/tables.js";
import { resettlementKeys } from "../../../src/server/resettlement/tables.js";
import { applicantCookie, get, latestCaseId, post } from "../intake/helpers.js";
import { dayFrom, fileWith, onResettlementTeam } from "./support.js";

type Who = "op1" | "reg1" | "coord1" | "res1" | "res2" | "res3";
let s: StaffedStore<Who>;
let caseId: string;
let otherTeamCase: string;
let cookie: string;
let ids: Awaited<ReturnType<typeof fileWith>>;
const PLANTED = { notes: "Паспорт через консульство FAMNOTE41", name: "Зайцева Мария FAMNAME41", whereabouts: "Курск, ул. Щорса FAMWHERE41", contact: "+7 910 555-41-41 FAMCONTACT41", step: "Выезд через Грузию FAMSTEP41" };
const needles = Object.values(PLANTED).map((v) => v.split(" ").at(-1)!);
const leaks = (body: string) => needles.filter((n) => body.includes(n));

beforeAll(async () => {
  s = await staffedStore({ publicApp: true, staff: { op1: "operator", reg1: "registrar", coord1: "coordinator", res1: "resettlement_officer", res2: "resettlement_officer", res3: "resettlement_officer" } });
  await s.admin.request("GET", "/api/auth/session");
  // The applicant's own path: the public form, his cookie for /return.
  const r = await post(s.publicApp!, "/request", { name: "Зайцев Павел", message: "Хочу сдаться, помогите семье" });
  expect(r.statusCode).toBe(201);
  cookie = applicantCookie(r)!;
  caseId = await latestCaseId(s.ctx);
  await onResettlementTeam(s.ctx, caseId);
  const now = s.clock.now();
  ids = await fileWith(s.staff.res1, caseId, { ...PLANTED, dueOn: dayFrom(now, 10), stepDueOn: dayFrom(now, -2) });
  // A case of the intake team assigned to res1 alone: res2 and res3 (resettlement team) are out of its scope.
  const r2 = await post(s.publicApp!, "/request", { name: "Другой", message: "Другая заявка" });
  expect(r2.statusCode).toBe(201);
  otherTeamCase = await latestCaseId(s.ctx);
  expect((await s.staff.op1.request("POST", `/api/cases/${otherTeamCase}/assign`, { userId: s.staff.res1.userId })).statusCode).toBe(204);
});
afterAll(async () => s?.close());

const routes = (id: string) =>
  [
    ["GET", `/api/resettlement/cases/${id}`, undefined],
    ["POST", `/api/resettlement/cases/${id}/officers`, { userId: s.staff.res2.userId }],
    ["POST", `/api/resettlement/cases/${id}/guarantees`, { kind: "documents", dueOn: "2027-01-10", notes: "x" }],
    ["POST", `/api/resettlement/cases/${id}/family`, { name: "x", relation: "x", consent: false }],
    ["POST", `/api/resettlement/cases/${id}/family/${ids.memberId}/steps`, { step: "x", dueOn: "2027-01-10" }],
    ["PATCH", `/api/resettlement/cases/${id}/tasks/${ids.guaranteeId}`, { state: "done" }],
  ] as const;
const audited = (action: string, actor: string, subject = caseId) => s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subject), eq(auditLog.actorId, actor)));

describe(`resettlement need-to-know (${process.env.TEST_STORE})`, () => {
  it("the officer on the file reads everything he wrote, and the read is audited (ids and counts only)", async () => {
    const r = await s.staff.res1.request("GET", `/api/resettlement/cases/${caseId}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(leaks(r.body)).toEqual(needles);
    const card = r.json();
    expect(card.guarantees).toMatchObject([{ kind: "third_country", state: "open", overdue: false, ownerId: s.staff.res1.userId }]);
    expect(card.family[0]).toMatchObject({ relation: "мать", consent: true, steps: [{ state: "open", overdue: true }] });
    const reads = await audited("resettlement.read", s.staff.res1.userId);
    expect(reads.length).toBe(1);
    expect(leaks(JSON.stringify(reads))).toEqual([]);
  });

  it("another role (operator, registrar, coordinator, admin) is refused every route and the board", async () => {
    for (const who of [s.staff.op1, s.staff.reg1, s.staff.coord1, s.admin]) {
      for (const [method, url, body] of routes(caseId)) {
        const r = await who.request(method, url, body);
        expect([who.username, url, r.statusCode]).toEqual([who.username, url, 403]);
        expect(leaks(r.body)).toEqual([]);
      }
      expect((await who.request("GET", "/api/resettlement/board")).statusCode).toBe(403);
      // Nor through the case itself, for those who may open it.
      expect(leaks((await who.request("GET", `/api/cases/${caseId}`)).body)).toEqual([]);
    }
  });

  it("a resettlement officer of the case's team who is not on the file gets 'not found' on every route, audited", async () => {
    for (const [method, url, body] of routes(caseId)) {
      const r = await s.staff.res2.request(method, url, body);
      expect([url, r.statusCode]).toEqual([url, 404]);
      expect(leaks(r.body)).toEqual([]);
    }
    expect((await audited("resettlement.not_found", s.staff.res2.userId)).length).toBe(routes(caseId).length);
    const board = await s.staff.res2.request("GET", "/api/resettlement/board");
    expect(board.json().items).toEqual([]);
    expect((await s.ctx.db.select().from(resettlementKeys).where(eq(resettlementKeys.caseId, caseId))).map((k) => k.userId)).toEqual([s.staff.res1.userId]);
  });

  it("a resettlement officer of another team (the case outside his scope) gets 'not found', audited as a case probe", async () => {
    const start = await s.staff.res1.request("POST", `/api/resettlement/cases/${otherTeamCase}/guarantees`, { kind: "secrecy", dueOn: "2027-01-10" });
    expect(start.statusCode, start.body).toBe(201);
    for (const [method, url, body] of routes(otherTeamCase)) {
      expect((await s.staff.res3.request(method, url, body)).statusCode).toBe(404);
    }
    expect((await audited("case.not_found", s.staff.res3.userId, otherTeamCase)).length).toBe(routes(otherTeamCase).length);
    // And he cannot be put on it: the case is not in his scope.
    const add = await s.staff.res1.request("POST", `/api/resettlement/cases/${otherTeamCase}/officers`, { userId: s.staff.res3.userId });
    expect(add.statusCode).toBe(400);
  });

  it("an officer added by name reads it; an operator cannot be added", async () => {
    expect((await s.staff.res1.request("POST", `/api/resettlement/cases/${caseId}/officers`, { userId: s.staff.op1.userId })).statusCode).toBe(400);
    expect((await s.staff.res1.request("POST", `/api/resettlement/cases/${caseId}/officers`, { userId: s.staff.res2.userId })).statusCode).toBe(200);
    const r = await s.staff.res2.request("GET", `/api/resettlement/cases/${caseId}`);
    expect(r.statusCode).toBe(200);
    expect(leaks(r.body)).toEqual(needles);
    expect((await audited("resettlement.read", s.staff.res2.userId)).length).toBe(1);
    expect((await audited("resettlement.officer_added", s.staff.res1.userId)).length).toBe(1);
  });

  it("the board: open tasks of his files, overdue first, then by due day; finished ones leave it", async () => {
    const r = await s.staff.res1.request("GET", "/api/resettlement/board");
    expect(r.statusCode).toBe(200);
    const items = r.json().items as { taskId: string; overdue: boolean; dueOn: string }[];
    expect(items[0]).toMatchObject({ taskId: ids.stepId, overdue: true });
    expect(items.slice(1).map((i) => i.dueOn)).toEqual(items.slice(1).map((i) => i.dueOn).sort());
    expect(items.slice(1).every((i) => !i.overdue)).toBe(true);
    expect((await s.staff.res1.request("PATCH", `/api/resettlement/cases/${caseId}/tasks/${ids.stepId}`, { state: "done" })).statusCode).toBe(200);
    const after = (await s.staff.res1.request("GET", "/api/resettlement/board")).json().items as { taskId: string }[];
    expect(after.map((i) => i.taskId)).not.toContain(ids.stepId);
    expect((await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "resettlement.board_read"), eq(auditLog.actorId, s.staff.res1.userId)))).length).toBe(2);
  });

  it("the applicant's channel carries none of it: his /return page, his thread, nothing queued to send", async () => {
    const page = await get(s.publicApp!, "/return", { cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Хочу сдаться");
    expect(leaks(page.body)).toEqual([]);
    expect((await s.ctx.db.select().from(channelOutbox)).length).toBe(0);
  });

  it("bad input is a clear 4xx and changes nothing", async () => {
    const base = `/api/resettlement/cases/${caseId}`;
    for (const [method, url, body] of [
      ["POST", `${base}/guarantees`, { kind: "money", dueOn: "2027-01-10" }],
      ["POST", `${base}/guarantees`, { kind: "secrecy", dueOn: "2027-02-30" }],
      ["POST", `${base}/guarantees`, { kind: "secrecy", dueOn: "2027-01-10", ownerId: s.staff.op1.userId }],
      ["POST", `${base}/family`, { name: "", relation: "брат", consent: true }],
      ["POST", `${base}/family/${ids.guaranteeId}/steps`, { step: "x", dueOn: "2027-01-10" }],
      ["PATCH", `${base}/tasks/${ids.guaranteeId}`, {}],
      ["PATCH", `${base}/tasks/${ids.guaranteeId}`, { state: "lost" }],
      ["GET", "/api/resettlement/cases/not-a-uuid", undefined],
    ] as const) {
      const r = await s.staff.res1.request(method, url, body);
      expect([url, r.statusCode >= 400 && r.statusCode < 500]).toEqual([url, true]);
    }
    const card = (await s.staff.res1.request("GET", base)).json();
    expect(card.guarantees.length).toBe(1);
    expect(card.family.length).toBe(1);
  });
});
