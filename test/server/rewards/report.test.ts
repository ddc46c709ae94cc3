import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { loadConfig } from "../../../src/server/config.js";
import { approvedClaim, inspectedClaim, rewardsCase } from "./support.js";

/**
 * Small-count suppression in the rewards report: a cell (equipment type × month) of fewer claims
 * than REWARDS_REPORT_MIN_CELL shows neither its count nor its money, in JSON and in CSV. The
 * store runs with a threshold of 3 (not the default 5), so the test also shows the setting is read.
 */

type Who = "op1" | "ro1" | "ro2" | "ro3" | "sup";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;

beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", ro1: "reward_officer", ro2: "reward_officer", ro3: "reward_officer", sup: "supervisor" }, startAt: new Date("2026-11-10T09:00:00Z"), env: { SESSION_IDLE_MINUTES: "120", REWARDS_REPORT_MIN_CELL: "3" } });
  s = store.staff;
  const caseId = await rewardsCase(store.ctx, s.op1);
  // Three helicopters (a cell at the threshold), two MLRS and one aircraft (below it); one helicopter and the aircraft are paid.
  const claims: Record<string, string[]> = { combat_helicopter: [], mlrs: [], combat_aircraft: [] };
  for (const [code, n] of [["combat_helicopter", 3], ["mlrs", 2], ["combat_aircraft", 1]] as const) {
    for (let i = 0; i < n; i++) {
      const id = await inspectedClaim(s.ro1, caseId, { code, serial: `${code}-${i}` });
      await approvedClaim(s.ro1, s.ro2, s.ro3, id, code === "mlrs" ? { amount: 30_000, reason: "установка исправна, без машины заряжания" } : {});
      claims[code]!.push(id);
    }
  }
  for (const id of [claims.combat_helicopter![0]!, claims.combat_aircraft![0]!]) {
    const bal = (await s.ro1.request("GET", `/api/rewards/claims/${id}`)).json().balanceCents as number;
    const p = await s.ro1.request("POST", `/api/rewards/claims/${id}/payments`, { amountCents: bal, method: "bank_transfer", reference: `REF-${id.slice(0, 6)}`, payee: { name: "Получатель" } });
    expect(p.statusCode, p.body).toBe(201);
  }
}, 240_000);
afterAll(async () => store?.close());

const report = async (who: StaffClient, q = "") => {
  const r = await who.request("GET", `/api/rewards/report${q}`);
  expect(r.statusCode, r.body).toBe(200);
  return r;
};

describe("small-count suppression in the rewards report", () => {
  it("a cell of fewer claims than the threshold shows neither count nor money; one at it shows both", async () => {
    const rows = (await report(s.sup)).json() as { equipment: string; month: string; claims: number | null; suppressed: boolean; approvedCents: number | null; paidCents: number | null }[];
    const by = Object.fromEntries(rows.map((r) => [r.equipment, r]));
    expect(by.combat_helicopter).toEqual({ month: "2026-11", equipment: "combat_helicopter", currency: "USD", claims: 3, suppressed: false, approvedCents: 3 * 50_000_000, paidCents: 50_000_000 });
    for (const code of ["mlrs", "combat_aircraft"]) expect(by[code]).toEqual({ month: "2026-11", equipment: code, currency: "USD", claims: null, suppressed: true, approvedCents: null, paidCents: null });
  });

  it("the CSV writes a suppressed cell as <3 with empty amounts, and no small amount appears anywhere in it", async () => {
    const csv = (await report(s.sup, "?format=csv")).body;
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("month,equipment,currency,claims,approved,paid");
    expect(lines).toContain("2026-11,combat_helicopter,USD,3,1500000.00,500000.00");
    expect(lines).toContain("2026-11,mlrs,USD,<3,,");
    expect(lines).toContain("2026-11,combat_aircraft,USD,<3,,");
    // The aircraft's amount and the two MLRS' sum are nowhere (neither in cents nor in units).
    for (const leak of ["60000", "6000000", "1000000"]) expect(csv).not.toMatch(new RegExp(`(^|,)${leak}(\\.00)?(,|$)`, "m"));
  });

  it("a range inside a month is widened to the whole month, so half a month cannot be subtracted from the whole", async () => {
    const whole = (await report(s.sup, "?from=2026-11-01&to=2026-11-30")).json();
    const half = (await report(s.sup, "?from=2026-11-12&to=2026-11-20")).json();
    expect(half).toEqual(whole);
    expect((await report(s.sup, "?from=2026-12-01")).json()).toEqual([]);
  });

  it("an operator is refused the report", async () => {
    expect((await s.op1.request("GET", "/api/rewards/report")).statusCode).toBe(403);
  });
});

describe("the threshold setting", () => {
  it("defaults to 5 and refuses a threshold that would publish single claims", () => {
    expect(loadConfig({}, {}).rewardsReportMinCell).toBe(5);
    expect(loadConfig({}, { REWARDS_REPORT_MIN_CELL: "8" }).rewardsReportMinCell).toBe(8);
    for (const bad of ["1", "0", "abc"]) expect(() => loadConfig({}, { REWARDS_REPORT_MIN_CELL: bad })).toThrow(/rewardsReportMinCell/);
  });
});
