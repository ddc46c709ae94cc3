import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { operationKeys, operations } from "../../../src/server/operations/tables.js";
import { PLANTED, planBody, stateOf, verifiedCase } from "./support.js";

type Who = "op1" | "sup1" | "coord1" | "coord2" | "coord3";
let s: StaffedStore<Who>;
let opId: string;
let caseId: string;

/** What the edit writes: every value new, so the old ones can be looked for and not found. */
const EDITED = {
  meeting: { lat: 47.701234, lon: 35.401234 },
  alternate: { lat: 47.689012, lon: 35.419876 },
  place: "EDITED-PLACE00002Y у сгоревшего элеватора",
  altPlace: "EDITED-ALTPL00002Y у моста",
  sector: "EDITED-SECTR00002Y",
  unit: "EDITED-UNIT000002Y",
  liaison: "EDITED-LIAIS00002Y",
  callSign: "EDITED-CALLS00002Y",
  escortContact: "EDITED-ESCRT00002Y",
};
const oldValues = [PLANTED.place, PLANTED.altPlace, PLANTED.sector, PLANTED.unit, PLANTED.liaison, PLANTED.callSign, PLANTED.escortContact, PLANTED.bring, String(PLANTED.meeting.lat)];
const newValues = [EDITED.place, EDITED.altPlace, EDITED.sector, EDITED.unit, EDITED.liaison, EDITED.callSign, EDITED.escortContact, String(EDITED.meeting.lat)];

const start = () => new Date(s.clock.now().getTime() + 2 * 86_400_000);
function editBody(at = start()) {
  const iso = (d: Date) => d.toISOString();
  return {
    sector: { oblast: "UA-14", raion: "Покровський", name: EDITED.sector },
    meeting: { ...EDITED.meeting, description: EDITED.place },
    alternate: { ...EDITED.alternate, description: EDITED.altPlace },
    window: { start: iso(at), end: iso(new Date(at.getTime() + 45 * 60_000)) },
    applicantZone: "Europe/Samara",
    signals: ["white_armband", "arms_raised"],
    equipment: ["military_vehicle"],
    unit: { name: EDITED.unit, liaison: EDITED.liaison },
    escort: { callSign: EDITED.callSign, contact: EDITED.escortContact, plannedLaunch: iso(new Date(at.getTime() - 20 * 60_000)) },
    reminderMinutes: [60],
  };
}
const storedDetails = async (id: string) => (await s.ctx.db.select({ details: operations.details }).from(operations).where(eq(operations.id, id)))[0]!.details;
const sealedCopies = async (id: string) => (await s.ctx.db.select().from(operationKeys).where(eq(operationKeys.operationId, id))).map((k) => [k.userId, Buffer.from(k.sealedKey).toString("hex")]).sort();

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", sup1: "supervisor", coord1: "coordinator", coord2: "coordinator", coord3: "coordinator" } });
  await s.admin.request("GET", "/api/auth/session");
  caseId = await verifiedCase(s.ctx, s.staff.op1);
  const r = await s.staff.coord1.request("POST", "/api/operations", planBody([caseId], new Date(s.clock.now().getTime() + 86_400_000), { coordinatorIds: [s.staff.coord2.userId] }));
  expect(r.statusCode, r.body).toBe(201);
  opId = r.json().id;
  // Five staff accounts (Argon2 each) on a busy two-core machine.
}, 240_000);
afterAll(async () => s?.close());

describe(`editing a planned operation (${process.env.TEST_STORE})`, () => {
  it("a coordinator on it changes the details: re-sealed under the same key, read by the other on it, audited without details", async () => {
    const before = { details: Buffer.from((await storedDetails(opId))!), keys: await sealedCopies(opId) };
    const body = editBody();
    const r = await s.staff.coord1.request("PATCH", `/api/operations/${opId}`, body);
    expect(r.statusCode, r.body).toBe(200);
    expect(Buffer.from((await storedDetails(opId))!).equals(before.details)).toBe(false);
    // The same key: no copy was resealed, added or dropped.
    expect(await sealedCopies(opId)).toEqual(before.keys);
    // The other coordinator on it opens the new details with his own copy of that key.
    const read = await s.staff.coord2.request("GET", `/api/operations/${opId}`);
    expect(read.statusCode, read.body).toBe(200);
    for (const v of newValues) expect([v, read.body.includes(v)]).toEqual([v, true]);
    for (const v of oldValues) expect([v, read.body.includes(v)]).toEqual([v, false]);
    const o = read.json();
    expect(o.details).toMatchObject({ applicantZone: "Europe/Samara", signals: ["white_armband", "arms_raised"], equipment: ["military_vehicle"], equipmentNote: "", reminderMinutes: [60], sector: { oblast: "UA-14" } });
    expect(o.details.window).toEqual(body.window);
    expect(o.details.meeting.mgrs).toMatch(/^\d{2}[C-X][A-Z]{2}\d{10}$/);
    expect(o.state).toBe("planning");
    expect(await stateOf(s.ctx, caseId)).toBe("planning");
    const audit = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.edited"), eq(auditLog.subjectId, opId)));
    expect(audit.map((a) => [a.actorId, a.details])).toEqual([[s.staff.coord1.userId, {}]]);
  });

  it("a coordinator not on it gets 'not found' (audited), other roles are refused, and nothing changes", async () => {
    const before = Buffer.from((await storedDetails(opId))!);
    const attack = { ...editBody(), unit: { name: "ATTACK-UNIT", liaison: "ATTACK" } };
    const r = await s.staff.coord3.request("PATCH", `/api/operations/${opId}`, attack);
    expect(r.statusCode, r.body).toBe(404);
    expect(r.body).not.toContain(EDITED.unit);
    const refused = await s.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "operation.not_found"), eq(auditLog.subjectId, opId), eq(auditLog.actorId, s.staff.coord3.userId)));
    expect(refused.length).toBe(1);
    for (const who of [s.staff.op1, s.staff.sup1, s.admin]) {
      const x = await who.request("PATCH", `/api/operations/${opId}`, attack);
      expect([who.username, x.statusCode]).toEqual([who.username, 403]);
    }
    expect(Buffer.from((await storedDetails(opId))!).equals(before)).toBe(true);
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).body).not.toContain("ATTACK-UNIT");
  });

  it("bad input is a clear 4xx and changes nothing; the cases and people are not the edit's to change", async () => {
    const before = Buffer.from((await storedDetails(opId))!);
    const base = editBody();
    for (const bad of [
      { ...base, caseIds: [caseId] },
      { ...base, coordinatorIds: [s.staff.coord3.userId] },
      { ...base, meeting: { lat: 47.6, lon: 35.3, mgrs: "31UDQ4825111932", description: "x" } }, // MGRS and lat/lon disagree
      { ...base, window: { start: base.window.end, end: base.window.start } },
      { ...base, window: { start: base.window.start, end: new Date(Date.parse(base.window.start) + 13 * 3600_000).toISOString() } },
      { ...base, applicantZone: "Mars/Olympus" },
      { ...base, reminderMinutes: [1] },
      { ...base, signals: ["wave_a_flag"] },
    ]) {
      const r = await s.staff.coord1.request("PATCH", `/api/operations/${opId}`, bad);
      expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
    }
    expect((await s.staff.coord1.request("PATCH", `/api/operations/${crypto.randomUUID()}`, base)).statusCode).toBe(404);
    expect(Buffer.from((await storedDetails(opId))!).equals(before)).toBe(true);
    expect(await sealedCopies(opId)).toHaveLength(2);
  });

  it("once the instructions are sent the edit is refused with why, and after close there is nothing to edit", async () => {
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    const before = Buffer.from((await storedDetails(opId))!);
    const r = await s.staff.coord1.request("PATCH", `/api/operations/${opId}`, { ...editBody(), unit: { name: "LATE-UNIT", liaison: "LATE" } });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error).toMatchObject({ code: "conflict", message: expect.stringMatching(/instructions were already sent.*abort it and plan it again/) });
    expect(Buffer.from((await storedDetails(opId))!).equals(before)).toBe(true);
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "aborted", reason: "переносим" })).statusCode).toBe(200);
    expect((await s.staff.coord1.request("PATCH", `/api/operations/${opId}`, editBody())).statusCode).toBe(404);
  });
});
