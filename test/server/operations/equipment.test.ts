import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { operationCaseRefs, operationCases, operations } from "../../../src/server/operations/tables.js";
import { storedDetailsSchema } from "../../../src/server/operations/schema.js";
import seed from "../../../src/server/rewards/schedule-seed.json" with { type: "json" };
import { planBody, stateOf, verifiedCase } from "./support.js";

type Who = "op1" | "coord1" | "coord2" | "ro1" | "adm2";
let s: StaffedStore<Who>;

/** Two codes of the schedule and a note outside it, as a coordinator picks them. */
const PICKED = ["tank_sp_artillery", "armoured_vehicle"];
const NOTE = "личный документ";
const later = () => new Date(s.clock.now().getTime() + 86_400_000);
const withEquipment = (caseIds: string[], equipment: unknown, equipmentNote = "") => ({ ...planBody(caseIds, later()), equipment, equipmentNote });
const edit = (body: ReturnType<typeof withEquipment>) => (({ caseIds: _c, ...rest }) => rest)(body);
const operationCount = async () => (await s.ctx.db.select({ id: operations.id }).from(operations)).length;
const threadOf = async (caseId: string) => ((await s.staff.coord1.request("GET", `/api/cases/${caseId}`)).json().messages as { body: string }[]).map((m) => m.body).join("\n");

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", coord1: "coordinator", coord2: "coordinator", ro1: "reward_officer", adm2: "admin" } });
  await s.admin.request("GET", "/api/auth/session");
  // Six staff accounts (Argon2 each) on a busy two-core machine.
}, 240_000);
afterAll(async () => s?.close());

describe(`what he brings: equipment codes of the reward schedule (${process.env.TEST_STORE})`, () => {
  it("codes in force are kept with a note, shown back to the coordinator on it, and the Russian instructions name them", async () => {
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], PICKED, NOTE));
    expect(r.statusCode, r.body).toBe(201);
    const opId = r.json().id as string;
    const o = await s.staff.coord1.request("GET", `/api/operations/${opId}`);
    expect(o.statusCode, o.body).toBe(200);
    expect(o.json().details).toMatchObject({ equipment: PICKED, equipmentNote: NOTE });
    // A coordinator not on it learns nothing of them, not even on the board.
    const other = await s.staff.coord2.request("GET", `/api/operations/${opId}`);
    expect(other.statusCode).toBe(404);
    const board = await s.staff.coord2.request("GET", "/api/operations");
    for (const v of [...PICKED, NOTE]) expect([v, other.body.includes(v) || board.body.includes(v)]).toEqual([v, false]);

    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    const thread = await threadOf(caseId);
    expect(thread).toContain("Пригоните и передайте технику: танк или САУ; БМП, БТР или другую бронемашину.");
    expect(thread).toContain(`Что взять с собой и передать: ${NOTE}.`);
    expect(thread).not.toContain("tank_sp_artillery");
  });

  it("no equipment and no note: he is told to bring nothing but his documents", async () => {
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], []));
    expect(r.statusCode, r.body).toBe(201);
    expect((await s.staff.coord1.request("POST", `/api/operations/${r.json().id}/instructions`)).statusCode).toBe(200);
    const thread = await threadOf(caseId);
    expect(thread).toContain("Ничего с собой не берите, кроме документов.");
    expect(thread).not.toContain("Пригоните");
  });

  it("an unknown code, a malformed one, one twice, a note too long: a clear 400, and nothing is planned or changed", async () => {
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const before = await operationCount();
    const unknown = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], ["tank_sp_artillery", "combat_drone"]));
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: "validation_failed", details: [{ path: "equipment", message: "unknown code combat_drone" }] });
    for (const bad of [["Tank!"], ["mlrs", "mlrs"], "tank_sp_artillery", [42]]) {
      const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], bad));
      expect([bad, r.statusCode]).toEqual([bad, 400]);
      expect(r.json().error.code).toBe("validation_failed");
    }
    const long = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], [], "x".repeat(201)));
    expect(long.statusCode).toBe(400);
    expect(await operationCount()).toBe(before);
    expect(await stateOf(s.ctx, caseId)).toBe("verified");

    // An edit with an unknown code is refused the same way and leaves the details as they were.
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], ["mlrs"]));
    expect(r.statusCode, r.body).toBe(201);
    const opId = r.json().id as string;
    const stored = async () => Buffer.from((await s.ctx.db.select({ d: operations.details }).from(operations).where(eq(operations.id, opId)))[0]!.d!);
    const sealed = await stored();
    const refused = await s.staff.coord1.request("PATCH", `/api/operations/${opId}`, edit(withEquipment([caseId], ["mlrs", "combat_drone"])));
    expect(refused.statusCode, refused.body).toBe(400);
    expect((await stored()).equals(sealed)).toBe(true);
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).json().details.equipment).toEqual(["mlrs"]);
  });

  it("a type a newer schedule version adds is refused until the applicant's instructions can name it", async () => {
    const day = s.clock.now().toISOString().slice(0, 10);
    const items = [...seed.items, { code: "combat_drone", label: "Combat drone", min: 5000, max: 5000 }];
    const proposed = await s.admin.request("POST", "/api/rewards/schedule", { effectiveFrom: day, currency: "USD", source: "test: a later version", items });
    expect(proposed.statusCode, proposed.body).toBe(201);
    expect((await s.staff.adm2.request("POST", `/api/rewards/schedule/${proposed.json().id}/approve`, {})).statusCode).toBeLessThan(300);
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], ["combat_drone"]));
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details).toEqual([{ path: "equipment", message: "no Russian name for combat_drone" }]);
    expect(await stateOf(s.ctx, caseId)).toBe("verified");
  });

  it("handed over: the codes stay in the remains as codes (no note), for the reward officer, and not on the board", async () => {
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], PICKED, NOTE));
    const opId = r.json().id as string;
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    const closed = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" });
    expect(closed.statusCode, closed.body).toBe(200);
    const [row] = await s.ctx.db.select().from(operations).where(eq(operations.id, opId));
    expect(row!.details).toBeNull();
    expect(row!.summary).toMatchObject({ outcome: "handed_over", equipment: PICKED });
    expect(JSON.stringify(row!.summary)).not.toContain(NOTE);
    const board = await s.staff.coord1.request("GET", "/api/operations");
    const item = board.json().items.find((i: { id: string }) => i.id === opId);
    expect(item.summary.outcome).toBe("handed_over");
    expect(item.summary).not.toHaveProperty("equipment");

    // The case links are shredded; the case keeps a note of its operation sealed under its own key,
    // so a seized row says nothing of which operation it was (the id is nowhere in it in clear).
    expect(await s.ctx.db.select().from(operationCases).where(eq(operationCases.operationId, opId))).toEqual([]);
    const refs = await s.ctx.db.select().from(operationCaseRefs).where(eq(operationCaseRefs.caseId, caseId));
    expect(refs).toHaveLength(1);
    const raw = Buffer.from(refs[0]!.ref);
    for (const needle of [opId, opId.replaceAll("-", ""), Buffer.from(opId.replaceAll("-", ""), "hex").toString("latin1")]) expect(raw.includes(Buffer.from(needle, "latin1"))).toBe(false);

    // The reward officer's view of the case's operations carries them as suggestions, through that
    // note, once the case is handed to the rewards desk.
    const toRewards = await s.staff.coord1.request("POST", `/api/cases/${caseId}/assign`, { teamId: "rewards" });
    expect(toRewards.statusCode, toRewards.body).toBe(204);
    const seen = await s.staff.ro1.request("GET", `/api/rewards/cases/${caseId}/operations`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toEqual([{ id: opId, state: "closed", plannedOn: row!.summary!.date, expectedEquipment: PICKED }]);
    // And a claim may name the closed operation; another case's operation it may not.
    const claim = { caseId, equipmentCode: PICKED[0], handedOverOn: s.ctx.now().toISOString().slice(0, 10), identifying: { serialNumber: "T-1" }, operationId: opId };
    const made = await s.staff.ro1.request("POST", "/api/rewards/claims", claim);
    expect(made.statusCode, made.body).toBe(201);
    const other = await verifiedCase(s.ctx, s.staff.op1);
    const otherOp = (await s.staff.coord1.request("POST", "/api/operations", withEquipment([other], PICKED))).json().id as string;
    const wrong = await s.staff.ro1.request("POST", "/api/rewards/claims", { ...claim, operationId: otherOp });
    expect(wrong.statusCode).toBe(400);
  });

  it("no-show and aborted keep no codes", async () => {
    const caseId = await verifiedCase(s.ctx, s.staff.op1);
    const r = await s.staff.coord1.request("POST", "/api/operations", withEquipment([caseId], PICKED));
    const opId = r.json().id as string;
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "aborted", reason: "обстрел" })).statusCode).toBe(200);
    const [row] = await s.ctx.db.select({ summary: operations.summary }).from(operations).where(eq(operations.id, opId));
    expect(row!.summary).not.toHaveProperty("equipment");
  });
});

describe("details stored before the codes", () => {
  it("open with their free-text lines as the note and no codes", () => {
    const old = { ...planBody([], new Date("2026-05-01T10:00:00Z")), bring: ["автомат АК-74М", "2 магазина"], equipment: undefined, equipmentNote: undefined };
    const { caseIds: _c, ...stored } = { ...old, meeting: { lat: 1, lon: 2, mgrs: "", description: "у башни" }, alternate: { lat: 1, lon: 2, mgrs: "", description: "у столба" }, applicantZone: "Europe/Moscow", signals: ["white_armband"], reminderMinutes: [] };
    const d = storedDetailsSchema.parse(JSON.parse(JSON.stringify(stored)));
    expect(d.equipment).toEqual([]);
    expect(d.equipmentNote).toBe("автомат АК-74М, 2 магазина");
    expect(d).not.toHaveProperty("bring");
  });
});
