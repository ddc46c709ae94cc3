import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { rewardClaims, rewardLedger } from "../../../src/server/rewards/tables.js";
import { operationCases, operations } from "../../../src/server/operations/tables.js";
import seed from "../../../src/server/rewards/schedule-seed.json" with { type: "json" };
import { approvedClaim, inspectedClaim, rewardsCase } from "./support.js";
import { PLANTED, planBody, verifiedCase } from "../operations/support.js";

type Who = "op1" | "ro1" | "ro2" | "ro3" | "ro4" | "adm2" | "sup" | "coord1";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
let caseId: string;

beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", ro1: "reward_officer", ro2: "reward_officer", ro3: "reward_officer", ro4: "reward_officer", adm2: "admin", sup: "supervisor", coord1: "coordinator" }, startAt: new Date("2026-11-30T09:00:00Z"), env: { SESSION_IDLE_MINUTES: "120" } });
  s = store.staff;
  caseId = await rewardsCase(store.ctx, s.op1);
}, 240_000);
afterAll(async () => store?.close());

const claim = async (who: StaffClient, id: string) => (await who.request("GET", `/api/rewards/claims/${id}`)).json();

describe("the schedule", () => {
  it("is served from the database, seeded from the project's copy, and every row gives its amount", async () => {
    const r = await s.op1.request("GET", "/api/rewards/schedule");
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().inForce.items).toEqual(seed.items);
    for (const item of seed.items) {
      const id = await inspectedClaim(s.ro1, caseId, { code: item.code });
      const a = await s.ro1.request("POST", `/api/rewards/claims/${id}/assess`, item.min === item.max ? {} : { amount: 30_000, reason: "пусковая установка исправна, без транспортно-заряжающей машины" });
      expect([item.code, a.statusCode, a.json()]).toEqual([item.code, 200, { amountCents: (item.min === item.max ? item.min : 30_000) * 100, currency: "USD" }]);
    }
  });

  it("MLRS outside 25,000–35,000, or without a reason, is refused; a fixed row takes no other amount", async () => {
    const id = await inspectedClaim(s.ro1, caseId, { code: "mlrs" });
    for (const body of [{ amount: 24_999, reason: "мало" }, { amount: 35_001, reason: "много" }, { amount: 30_000 }, {}]) {
      expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/assess`, body)).statusCode).toBe(400);
    }
    const heli = await inspectedClaim(s.ro1, caseId);
    expect((await s.ro1.request("POST", `/api/rewards/claims/${heli}/assess`, { amount: 600_000 })).statusCode).toBe(400);
    expect((await claim(s.ro1, id)).state).toBe("inspection");
  });

  it("a new version takes effect from its date once a second administrator approves it; earlier claims keep their price", async () => {
    const before = await inspectedClaim(s.ro1, caseId, { on: "2026-05-31" });
    await s.ro1.request("POST", `/api/rewards/claims/${before}/assess`, {});
    const items = seed.items.map((i) => (i.code === "combat_helicopter" ? { ...i, min: 600_000, max: 600_000 } : i));
    const p = await store.admin.request("POST", "/api/rewards/schedule", { effectiveFrom: "2026-06-01", currency: "USD", source: "amendment (test)", items });
    expect(p.statusCode, p.body).toBe(201);
    const versionId = p.json().id;
    // Not in force until approved, and not by the one who entered it; an officer cannot enter one.
    expect((await s.op1.request("GET", "/api/rewards/schedule?on=2026-06-02")).json().inForce.effectiveFrom).toBe("2022-04-01");
    const own = await store.admin.request("POST", `/api/rewards/schedule/${versionId}/approve`);
    expect(own.statusCode).toBe(403);
    // The rule by name, so the console can say why in the reader's language.
    expect(own.json().error.details).toEqual({ rule: "proposer_approves" });
    expect((await s.ro1.request("POST", "/api/rewards/schedule", { effectiveFrom: "2026-07-01", currency: "USD", source: "x x x", items })).statusCode).toBe(403);
    expect((await s.adm2.request("POST", `/api/rewards/schedule/${versionId}/approve`)).statusCode).toBe(204);
    const after = await inspectedClaim(s.ro1, caseId, { on: "2026-06-01" });
    expect((await s.ro1.request("POST", `/api/rewards/claims/${after}/assess`, {})).json().amountCents).toBe(60_000_000);
    expect((await claim(s.ro1, before)).amountCents).toBe(50_000_000);
    const earlier = await inspectedClaim(s.ro1, caseId, { on: "2026-05-31" });
    expect((await s.ro1.request("POST", `/api/rewards/claims/${earlier}/assess`, {})).json().amountCents).toBe(50_000_000);
    // What the claim form reads for its handover day: the new version from its date, the old one the day before.
    const heliOn = async (on: string) => {
      const v = (await s.ro1.request("GET", `/api/rewards/schedule?on=${on}`)).json().inForce;
      return [v.effectiveFrom, v.items.find((i: { code: string }) => i.code === "combat_helicopter").min];
    };
    expect(await heliOn("2026-06-01")).toEqual(["2026-06-01", 600_000]);
    expect(await heliOn("2026-05-31")).toEqual(["2022-04-01", 500_000]);
    // A claim whose handover day moves across the date is priced again by the version of its new day.
    const moved = await inspectedClaim(s.ro1, caseId, { on: "2026-05-31" });
    expect((await s.ro1.request("PATCH", `/api/rewards/claims/${moved}`, { handedOverOn: "2026-06-02" })).statusCode).toBe(204);
    expect((await s.ro1.request("POST", `/api/rewards/claims/${moved}/assess`, {})).json().amountCents).toBe(60_000_000);
  });

  it("refuses bad input with a 4xx", async () => {
    for (const body of [{ caseId, equipmentCode: "nuclear_submarine", handedOverOn: "2026-11-20", identifying: {} }, { caseId, equipmentCode: "mlrs", handedOverOn: "2026-02-30", identifying: {} }, { caseId, equipmentCode: "mlrs", handedOverOn: "2027-01-01", identifying: {} }, { caseId: "not-a-uuid", equipmentCode: "mlrs", handedOverOn: "2026-11-20", identifying: {} }, { caseId, equipmentCode: "mlrs", handedOverOn: "2026-11-20", identifying: { colour: "зелёный" } }]) {
      const r = await s.ro1.request("POST", "/api/rewards/claims", body);
      expect([r.statusCode, r.body]).toEqual([400, expect.any(String)]);
    }
  });
});

describe("three people", () => {
  it("one person cannot hold two of the three roles on a claim", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    await s.ro1.request("POST", `/api/rewards/claims/${id}/assess`, {});
    const own = await s.ro1.request("POST", `/api/rewards/claims/${id}/approve`, {});
    // The refusal names the rule, so the console can say it in words.
    expect([own.statusCode, own.json().error.details]).toEqual([403, { rule: "assessor_approves" }]);
    expect((await s.ro2.request("POST", `/api/rewards/claims/${id}/approve`, {})).statusCode).toBe(200);
    const twice = await s.ro2.request("POST", `/api/rewards/claims/${id}/approve`, {});
    expect([twice.statusCode, twice.json().error.details]).toEqual([403, { rule: "same_approver" }]);
    expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/approve`, {})).statusCode).toBe(403);
    expect((await s.ro3.request("POST", `/api/rewards/claims/${id}/approve`, {})).json().state).toBe("approved");
    const c = await claim(s.ro1, id);
    expect([c.assessedBy, c.firstApprovedBy, c.secondApprovedBy]).toEqual([s.ro1.userId, s.ro2.userId, s.ro3.userId]);
    expect(c.approvedCents).toBe(50_000_000);
  });

  it("an edit voids the approvals (and the approved amount, on the ledger)", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    await approvedClaim(s.ro1, s.ro2, s.ro3, id);
    expect((await s.ro2.request("PATCH", `/api/rewards/claims/${id}`, { identifying: { serialNumber: "другой номер" } })).statusCode).toBe(204);
    const c = await claim(s.ro1, id);
    expect([c.state, c.assessedBy, c.firstApprovedBy, c.secondApprovedBy, c.amountCents, c.approvedCents]).toEqual(["inspection", null, null, null, null, 0]);
    expect(c.ledger.map((e: { kind: string; amountCents: number }) => [e.kind, e.amountCents])).toEqual([["approval", 50_000_000], ["correction", -50_000_000]]);
    // The first approver, now the assessor of the changed claim, needs two others again.
    await approvedClaim(s.ro2, s.ro1, s.ro3, id);
  });

  it("rejection needs a reason; not-serviceable equipment is rejected, not assessed", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    await s.ro1.request("PATCH", `/api/rewards/claims/${id}`, { inspection: { serviceability: "not_serviceable", inspectedOn: "2026-11-21" } });
    expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/assess`, {})).statusCode).toBe(409);
    expect((await s.ro2.request("POST", `/api/rewards/claims/${id}/reject`, {})).statusCode).toBe(400);
    expect((await s.ro2.request("POST", `/api/rewards/claims/${id}/reject`, { reason: "двигатель уничтожен" })).statusCode).toBe(204);
    const c = await claim(s.ro2, id);
    expect([c.state, c.rejectionReason]).toEqual(["rejected", "двигатель уничтожен"]);
  });

  it("other roles are refused", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    for (const who of ["op1", "sup", "adm2"] as const) {
      expect((await s[who].request("POST", `/api/rewards/claims/${id}/approve`, {})).statusCode).toBe(403);
      expect((await s[who].request("GET", `/api/rewards/claims/${id}`)).statusCode).toBe(403);
    }
  });
});

describe("the claim's operation", () => {
  /**
   * An operation with the given cases on it, written as a fixture: planning one is the operations
   * capability's (its coordinators, its team), and what is under test here is only the link.
   */
  async function operationOf(...caseIds: string[]) {
    const id = randomUUID();
    await store.ctx.db.insert(operations).values({ id, state: "closed", groupSize: caseIds.length, createdAt: store.ctx.now() });
    for (const c of caseIds) await store.ctx.db.insert(operationCases).values({ operationId: id, caseId: c });
    return id;
  }
  const open = (operationId: string) => s.ro1.request("POST", "/api/rewards/claims", { caseId, operationId, equipmentCode: "combat_helicopter", handedOverOn: "2026-05-20", identifying: { serialNumber: "Ми-8 № 1" } });

  it("links to an operation of its own case; another case's operation, or none, is refused", async () => {
    const own = await operationOf(caseId);
    const other = await operationOf(await rewardsCase(store.ctx, s.op1));
    const linked = await open(own);
    expect(linked.statusCode, linked.body).toBe(201);
    expect((await claim(s.ro1, linked.json().id)).operationId).toBe(own);
    const count = async () => (await store.ctx.db.select({ id: rewardClaims.id }).from(rewardClaims).where(eq(rewardClaims.caseId, caseId))).length;
    const before = await count();
    for (const operationId of [other, randomUUID()]) {
      const r = await open(operationId);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error.details).toEqual([{ path: "operationId", message: "not an operation of this case" }]);
    }
    expect(await count()).toBe(before);
  });
  it("lists a case's operations for a reward officer by id, state and closed day only; other roles are refused", async () => {
    const mine = await rewardsCase(store.ctx, s.op1);
    const own = await operationOf(mine);
    await store.ctx.db.update(operations).set({ summary: { date: "2026-05-19", oblast: "UA-23", groupSize: 1, outcome: "handed_over", minutesPlanned: 60 } }).where(eq(operations.id, own));
    const other = await operationOf(await rewardsCase(store.ctx, s.op1));
    const r = await s.ro1.request("GET", `/api/rewards/cases/${mine}/operations`);
    expect(r.statusCode, r.body).toBe(200);
    // Exactly these fields: no oblast, no outcome, nothing of another case's operation.
    expect(r.json()).toEqual([{ id: own, state: "closed", plannedOn: "2026-05-19" }]);
    expect(r.body).not.toContain(other);
    expect(r.body).not.toContain("UA-23");
    for (const who of ["op1", "sup", "adm2"] as const) expect((await s[who].request("GET", `/api/rewards/cases/${mine}/operations`)).statusCode).toBe(403);
    expect((await s.ro1.request("GET", `/api/rewards/cases/${randomUUID()}/operations`)).statusCode).toBe(404);
    expect((await s.ro1.request("GET", "/api/rewards/cases/not-a-uuid/operations")).statusCode).toBe(400);
  });

  it("still names the operation after it closed as handed over: its reference, day, oblast and outcome, never its details", async () => {
    // A man on a real operation; the coordinator names the reward officer on his case, which stays
    // with coordination (who close the operation), so the officer can open a claim on it meanwhile.
    const man = await verifiedCase(store.ctx, s.op1);
    expect((await s.coord1.request("POST", `/api/cases/${man}/assign`, { userId: s.ro1.userId })).statusCode).toBe(204);
    const start = new Date(store.ctx.now().getTime() + 2 * 3600_000);
    const planned = await s.coord1.request("POST", "/api/operations", planBody([man], start));
    expect(planned.statusCode, planned.body).toBe(201);
    const opId = String(planned.json().id);
    expect((await s.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    expect((await s.ro1.request("GET", `/api/rewards/cases/${man}/operations`)).json()).toEqual([{ id: opId, state: "scheduled", plannedOn: null }]);
    const c = await s.ro1.request("POST", "/api/rewards/claims", { caseId: man, operationId: opId, equipmentCode: "combat_helicopter", handedOverOn: "2026-11-30", identifying: { serialNumber: "Ми-8 № 7" } });
    expect(c.statusCode, c.body).toBe(201);
    const id = String(c.json().id);
    expect((await claim(s.ro1, id)).operation).toEqual({ id: opId, state: "scheduled", closed: null });

    const closed = await s.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" });
    expect(closed.statusCode, closed.body).toBe(200);
    // The close destroyed the details and the case links, as before; the claim's link stays.
    expect((await store.ctx.db.select().from(operationCases).where(eq(operationCases.operationId, opId))).length).toBe(0);
    expect((await s.coord1.request("GET", `/api/operations/${opId}`)).statusCode).toBe(404);
    const read = await s.ro1.request("GET", `/api/rewards/claims/${id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().operationId).toBe(opId);
    expect(read.json().operation).toEqual({ id: opId, state: "closed", closed: { day: start.toISOString().slice(0, 10), oblast: "UA-23", outcome: "handed_over" } });
    for (const planted of [PLANTED.place, PLANTED.sector, PLANTED.callSign, PLANTED.unit, String(PLANTED.meeting.lat), start.toISOString().slice(11, 16)]) expect(read.body).not.toContain(planted);
    // Another reward officer, not on this case, sees neither the claim nor its operation.
    expect((await s.ro2.request("GET", `/api/rewards/claims/${id}`)).statusCode).toBe(404);
    expect((await s.ro2.request("GET", `/api/rewards/cases/${man}/operations`)).statusCode).toBe(404);
  });
});

describe("the ledger", () => {
  it("pays in full, refuses an overpayment, derives the balance; payee details and serials are ciphertext", async () => {
    const id = await inspectedClaim(s.ro1, caseId, { serial: "СЕРИЯ-7731" });
    await approvedClaim(s.ro1, s.ro2, s.ro3, id);
    const pay = (amountCents: number) => s.ro4.request("POST", `/api/rewards/claims/${id}/payments`, { amountCents, method: "bank_transfer", reference: "ПП-2026-114", payee: { name: "Соколов Игорь Петрович", account: "UA213223130000026007233566001" } });
    expect((await pay(20_000_000)).statusCode).toBe(201);
    expect((await pay(30_000_001)).statusCode).toBe(409);
    expect((await pay(30_000_000)).statusCode).toBe(201);
    expect((await pay(1)).statusCode).toBe(409);
    const c = await claim(s.ro1, id);
    expect([c.state, c.paidCents, c.balanceCents]).toEqual(["paid", 50_000_000, 0]);
    expect(c.ledger[1].payee.name).toBe("Соколов Игорь Петрович");
    expect((await s.ro4.request("POST", `/api/rewards/claims/${id}/corrections`, { deltaCents: -1, reason: "ошибка" })).statusCode).toBe(409);
    expect((await s.ro4.request("POST", `/api/rewards/claims/${id}/reversals`, { amountCents: 30_000_000, reference: "возврат", reason: "счёт закрыт" })).statusCode).toBe(201);
    expect((await claim(s.ro1, id)).balanceCents).toBe(30_000_000);
    // An edit after money was paid is refused: reverse first.
    expect((await s.ro1.request("PATCH", `/api/rewards/claims/${id}`, { identifying: {} })).statusCode).toBe(409);
    const rows = await store.ctx.db.select().from(rewardLedger).where(eq(rewardLedger.claimId, id));
    const [stored] = await store.ctx.db.select().from(rewardClaims).where(eq(rewardClaims.id, id));
    const raw = JSON.stringify(rows) + Buffer.from(stored!.identifying).toString("latin1") + JSON.stringify(await store.ctx.db.select().from(auditLog));
    for (const canary of ["Соколов", "UA2132231", "СЕРИЯ-7731"]) expect(raw).not.toContain(canary);
  });

  it("refuses UPDATE and DELETE through the trigger", async () => {
    await expect(store.ctx.database.executeSql("UPDATE reward_ledger SET amount_cents = 1 WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(store.ctx.database.executeSql("DELETE FROM reward_ledger WHERE seq = 1")).rejects.toThrow(/append-only/);
  });
});

describe("secrecy of the handover", () => {
  it("a secret claim is absent from lists and reports for everyone not on it", async () => {
    const other = await rewardsCase(store.ctx, s.op1);
    const id = await inspectedClaim(s.ro1, other, { secret: true, code: "combat_aircraft" });
    for (const who of ["ro2", "ro3"] as const) expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/officers`, { userId: s[who].userId })).statusCode).toBe(204);
    expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/officers`, { userId: s.op1.userId })).statusCode).toBe(400);
    await approvedClaim(s.ro1, s.ro2, s.ro3, id);
    const seen = async (who: StaffClient) => ({
      list: (await who.request("GET", "/api/rewards/claims")).json().some((c: { id: string }) => c.id === id),
      one: (await who.request("GET", `/api/rewards/claims/${id}`)).statusCode,
      aircraft: (await who.request("GET", "/api/rewards/report")).json().some((r: { equipment: string }) => r.equipment === "combat_aircraft"),
    });
    expect(await seen(s.ro1)).toEqual({ list: true, one: 200, aircraft: true });
    expect(await seen(s.ro4)).toEqual({ list: false, one: 404, aircraft: false });
    const sup = await s.sup.request("GET", "/api/rewards/report?format=csv");
    expect(sup.statusCode).toBe(200);
    expect(sup.headers["content-type"]).toContain("text/csv");
    expect(sup.body.split("\n")[0]).toBe("month,equipment,currency,claims,approved,paid");
    expect(sup.body).toContain("combat_helicopter");
    expect(sup.body).not.toContain("combat_aircraft");
    // The one not on it cannot pay it either.
    expect((await s.ro4.request("POST", `/api/rewards/claims/${id}/payments`, { amountCents: 1, method: "cash", reference: "x", payee: { name: "x" } })).statusCode).toBe(404);
  });

  it("leaves no trace in the audit log's page or export, and its rows there name neither the equipment nor an amount", async () => {
    const other = await rewardsCase(store.ctx, s.op1);
    const open = await inspectedClaim(s.ro1, other, { code: "combat_helicopter" });
    const id = await inspectedClaim(s.ro1, other, { secret: true, code: "combat_aircraft" });
    for (const who of ["ro2", "ro3"] as const) expect((await s.ro1.request("POST", `/api/rewards/claims/${id}/officers`, { userId: s[who].userId })).statusCode).toBe(204);
    await approvedClaim(s.ro1, s.ro2, s.ro3, id);
    const paid = await s.ro1.request("POST", `/api/rewards/claims/${id}/payments`, { amountCents: 100_000, method: "cash", reference: "К-1", payee: { name: "Получатель" } });
    expect(paid.statusCode, paid.body).toBe(201);

    // The supervisor and the administrator read the whole log: every action, and the CSV export.
    for (const reader of [s.sup, store.admin]) {
      const page = await reader.request("GET", "/api/audit?action=reward&limit=500");
      expect(page.statusCode, page.body).toBe(200);
      const subjects = page.json<{ items: { subjectId: string | null }[] }>().items.map((e) => e.subjectId);
      expect(subjects).toContain(open); // an open claim's rows stay: the rule hides, it does not blank the log
      expect(subjects).not.toContain(id);
      const csv = await reader.request("GET", "/api/audit/export.csv");
      expect(csv.statusCode).toBe(200);
      expect(csv.body).toContain(open);
      expect(csv.body).not.toContain(id);
    }
    // The rows are there (the chain is whole) but say only what was done, never what or how much.
    const rows = await store.ctx.db.select().from(auditLog).where(eq(auditLog.subjectId, id));
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["reward.claim_created", "reward.claim_approved", "reward.ledger_payment"]));
    for (const r of rows) {
      const details = JSON.stringify(r.details);
      expect(details).not.toContain("combat_aircraft");
      expect(details).not.toContain("amountCents");
      expect(details).not.toContain("secret");
    }
    expect((await store.admin.request("GET", "/api/audit/verify")).json().ok).toBe(true);
  });
});
