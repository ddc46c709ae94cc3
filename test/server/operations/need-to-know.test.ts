import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { operationKeys } from "../../../src/server/operations/tables.js";
import { fromMgrs, toMgrs } from "../../../src/shared/geo.js";
import { renderInstructions } from "../../../src/server/operations/instructions.js";
import type { Details } from "../../../src/server/operations/schema.js";
import { PLANTED, PLANTED_EQUIPMENT, planBody, stateOf, verifiedCase } from "./support.js";

type Who = "op1" | "ver1" | "sup1" | "coord1" | "coord2" | "coord3" | "reg1";
let s: StaffedStore<Who>;
let opId: string;
let caseId: string;
const planted = [...Object.values(PLANTED).flatMap((v) => (typeof v === "string" ? [v] : [String(v.lat), String(v.lon)])), ...PLANTED_EQUIPMENT];
const leaks = (body: string) => planted.filter((p) => body.includes(p));

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", ver1: "verifier", sup1: "supervisor", coord1: "coordinator", coord2: "coordinator", coord3: "coordinator", reg1: "registrar" } });
  await s.admin.request("GET", "/api/auth/session");
  caseId = await verifiedCase(s.ctx, s.staff.op1);
  const r = await s.staff.coord1.request("POST", "/api/operations", planBody([caseId], new Date(s.clock.now().getTime() + 86_400_000)));
  expect(r.statusCode, r.body).toBe(201);
  opId = r.json().id;
  // Eight staff accounts (Argon2 each) and a case through verification: over a minute on a busy two-core machine.
}, 240_000);
afterAll(async () => s?.close());

const routes = () => [
  ["GET", `/api/operations/${opId}`, undefined],
  ["PATCH", `/api/operations/${opId}`, (({ caseIds: _c, ...edit }) => edit)(planBody([caseId], new Date(s.clock.now().getTime() + 86_400_000)))],
  ["GET", `/api/operations/${opId}/briefing`, undefined],
  ["GET", `/api/operations/${opId}/briefing.pdf`, undefined],
  ["POST", `/api/operations/${opId}/staff`, { userId: s.staff.coord2.userId }],
  ["POST", `/api/operations/${opId}/confirmations`, { caseId }],
  ["POST", `/api/operations/${opId}/escort`, { state: "launched" }],
  ["POST", `/api/operations/${opId}/instructions`, undefined],
  ["POST", `/api/operations/${opId}/outcome`, { outcome: "aborted", reason: "проверка" }],
] as const;

describe(`need-to-know (${process.env.TEST_STORE})`, () => {
  it("the planning coordinator reads it all, the case moved to planning, and the read is audited", async () => {
    const r = await s.staff.coord1.request("GET", `/api/operations/${opId}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(leaks(r.body).length).toBe(planted.length);
    expect(await stateOf(s.ctx, caseId)).toBe("planning");
    const reads = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.read"), eq(auditLog.subjectId, opId), eq(auditLog.actorId, s.staff.coord1.userId)));
    expect(reads.length).toBe(1);
  });

  it("an operator, a verifier, a supervisor, a registrar and an admin get nothing through any route", async () => {
    for (const who of [s.staff.op1, s.staff.ver1, s.staff.sup1, s.staff.reg1, s.admin]) {
      for (const [method, url, body] of routes()) {
        const r = await who.request(method, url, body);
        expect([who.username, url, r.statusCode]).toEqual([who.username, url, 403]);
        expect(leaks(r.body)).toEqual([]);
      }
      const board = await who.request("GET", "/api/operations");
      expect(board.statusCode).toBe(403);
      // Nor through the case itself, for those who may open it.
      const c = await who.request("GET", `/api/cases/${caseId}`);
      expect(leaks(c.body)).toEqual([]);
    }
  });

  it("a coordinator not on it sees that it exists and its state, nothing more; each try is audited", async () => {
    const board = await s.staff.coord2.request("GET", "/api/operations");
    expect(board.statusCode).toBe(200);
    const item = board.json().items.find((i: { id: string }) => i.id === opId);
    expect(item).toMatchObject({ state: "planning", onIt: false, start: null, confirmed: null });
    expect(leaks(board.body)).toEqual([]);
    for (const [method, url, body] of routes()) {
      const r = await s.staff.coord2.request(method, url, body);
      expect([url, r.statusCode]).toEqual([url, 404]);
      expect(leaks(r.body)).toEqual([]);
    }
    const refused = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.not_found"), eq(auditLog.subjectId, opId), eq(auditLog.actorId, s.staff.coord2.userId)));
    expect(refused.length).toBe(routes().length);
    const boardReads = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.board_read"), eq(auditLog.actorId, s.staff.coord2.userId)));
    expect(boardReads.length).toBe(1);
    // The key was never sealed to him, and nobody's attempt changed the operation.
    expect((await s.ctx.db.select().from(operationKeys).where(eq(operationKeys.operationId, opId))).map((k) => k.userId)).toEqual([s.staff.coord1.userId]);
    expect(await stateOf(s.ctx, caseId)).toBe("planning");
  });

  it("staff added by name read it, audited; the added one's read is audited too", async () => {
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/staff`, { userId: s.staff.coord3.userId })).statusCode).toBe(200);
    const added = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.staff_added"), eq(auditLog.subjectId, opId)));
    expect(added.length).toBe(1);
    const r = await s.staff.coord3.request("GET", `/api/operations/${opId}/briefing`);
    expect(r.statusCode, r.body).toBe(200);
    // The unit briefing holds the point and the call sign, never the applicant (no case id, no name).
    expect(r.body).toContain(PLANTED.callSign);
    expect(r.body).not.toContain(caseId);
    expect(r.body).not.toContain("Зайцев");
    expect(r.body).not.toContain(PLANTED.place);
    expect((await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.briefing_read"), eq(auditLog.actorId, s.staff.coord3.userId)))).length).toBe(1);
  });

  it("the unit briefing prints as a PDF with the point, time and call sign, and nothing of the men", async () => {
    const r = await s.staff.coord1.request("GET", `/api/operations/${opId}/briefing.pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("application/pdf");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-brief-"));
    try {
      const file = path.join(dir, "briefing.pdf");
      fs.writeFileSync(file, r.rawPayload);
      const text = execFileSync("/usr/bin/pdftotext", [file, "-"], { encoding: "utf8" });
      const brief = (await s.staff.coord1.request("GET", `/api/operations/${opId}/briefing`)).json();
      for (const v of [PLANTED.callSign, PLANTED.unit, brief.meeting.mgrs, brief.alternate.mgrs, String(PLANTED.meeting.lat), brief.window.start.kyiv, "Біла пов'язка", "Скільки людей вийде"]) expect([v, text.includes(v)]).toEqual([v, true]);
      for (const v of [caseId, "Зайцев", PLANTED.place, PLANTED.liaison.slice(0, 18), PLANTED.escortContact]) expect([v, text.includes(v)]).toEqual([v, false]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad input is a clear 4xx and changes nothing", async () => {
    const other = await verifiedCase(s.ctx, s.staff.op1);
    const base = planBody([other], new Date(s.clock.now().getTime() + 86_400_000));
    for (const bad of [
      { ...base, meeting: { lat: 47.6, lon: 35.3, mgrs: "31UDQ4825111932", description: "x" } }, // MGRS and lat/lon disagree
      { ...base, meeting: { mgrs: "not-mgrs", description: "x" } },
      { ...base, applicantZone: "Mars/Olympus" },
      { ...base, sector: { ...base.sector, oblast: "UA-99" } },
      { ...base, window: { start: base.window.end, end: base.window.start } },
      { ...base, caseIds: [caseId] }, // already on an open operation
      { ...base, coordinatorIds: [s.staff.op1.userId] }, // not a coordinator
    ]) {
      const r = await s.staff.coord1.request("POST", "/api/operations", bad);
      expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
    }
    expect(await stateOf(s.ctx, other)).toBe("verified");
  });
});

describe("time zones and grid references", () => {
  const details = (startUtc: string): Details => ({
    ...(planBody([], new Date(startUtc)) as unknown as Details),
    meeting: { ...PLANTED.meeting, mgrs: "", description: "у башни" },
    alternate: { ...PLANTED.alternate, mgrs: "", description: "у столба" },
    applicantZone: "Europe/Moscow",
    signals: ["white_armband"],
    reminderMinutes: [],
  });

  it("05:00 Kyiv the day before and the day after the last Sunday of October shows the right Moscow time", () => {
    // 24 Oct 2026: Kyiv is on summer time (UTC+3), as Moscow always is: the same clock.
    const before = renderInstructions(details("2026-10-24T02:00:00Z"), 1);
    expect(before).toContain("24.10.2026 05:00 (по московскому времени); это 24.10.2026 05:00 по киевскому времени");
    // 26 Oct 2026: Kyiv went back to UTC+2 on the 25th, Moscow did not: an hour apart.
    const after = renderInstructions(details("2026-10-26T03:00:00Z"), 1);
    expect(after).toContain("26.10.2026 06:00 (по московскому времени); это 26.10.2026 05:00 по киевскому времени");
    expect(after).toContain("с 06:00 до 06:30");
  });

  it("MGRS ↔ latitude/longitude round trips to within a metre", () => {
    for (const [lat, lon] of [[47.612345, 35.298765], [48.0159, 37.8028], [50.4501, 30.5234], [46.6354, 32.6169]] as const) {
      const ref = toMgrs(lat, lon)!;
      expect(ref).toMatch(/^\d{2}[C-X][A-Z]{2}\d{10}$/);
      const back = fromMgrs(ref)!;
      expect(Math.abs(back.lat - lat)).toBeLessThan(1e-5);
      expect(Math.abs(back.lon - lon)).toBeLessThan(2e-5);
      expect(toMgrs(back.lat, back.lon)).toBe(ref);
    }
    expect(fromMgrs("36TXT")).not.toBeNull();
    expect(fromMgrs("hello")).toBeNull();
    expect(toMgrs(89, 0)).toBeNull();
  });
});
