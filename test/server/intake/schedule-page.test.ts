import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import seed from "../../../src/server/rewards/schedule-seed.json" with { type: "json" };
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { EQUIPMENT } from "../../../src/shared/questionnaire.js";
import { get, latestCaseId, post } from "./helpers.js";

/**
 * The public pages price equipment from the schedule version in force as the database holds it,
 * not from the JSON seed: a version entered by one administrator changes nothing until a second
 * approves it, then the instructions and the request form show its amounts and its date; a version
 * taking effect later is not shown before its day. The form accepts only the types of the version
 * it showed, and the case records that version's date.
 */

type Who = "adm2" | "op1";
let store: StaffedStore<Who>;

beforeAll(async () => {
  store = await staffedStore({ staff: { adm2: "admin", op1: "operator" }, publicApp: true, startAt: new Date("2026-11-10T09:00:00Z") });
}, 240_000);
afterAll(async () => store?.close());

describe("the questionnaire's equipment types", () => {
  // The form, the bot and the call log take the questionnaire's list (intake imports nothing of
  // rewards); it must be the seed schedule's types, each labelled in every applicant language.
  it("are exactly the types of the seed schedule, each with a label in ru, uk and en", () => {
    expect([...new Set(seed.items.map((i) => i.code))].sort()).toEqual([...EQUIPMENT].sort());
    for (const lang of ["ru", "uk", "en"] as const) {
      const labels = (CATALOGS[lang] as unknown as { equipment: Record<string, string> }).equipment;
      for (const code of EQUIPMENT) expect(labels[code], `${lang} ${code}`).toBeTruthy();
    }
  });
});

const page = async (path: string) => {
  const r = await get(store.publicApp!, path);
  expect(r.statusCode, path).toBe(200);
  return r.body;
};
const items = (helicopter: number) => seed.items.map((i) => (i.code === "combat_helicopter" ? { ...i, min: helicopter, max: helicopter } : i));
const propose = async (effectiveFrom: string, helicopter: number) => {
  const r = await store.admin.request("POST", "/api/rewards/schedule", { effectiveFrom, currency: "USD", source: `amendment of ${effectiveFrom} (test)`, items: items(helicopter) });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
};
const approve = async (id: string) => expect((await store.staff.adm2.request("POST", `/api/rewards/schedule/${id}/approve`)).statusCode).toBe(204);

describe("the first page views of a new store", () => {
  // The schedule table is seeded on first read; twenty applicants at once each saw the others'
  // seed too late and were answered 500 (found by the flood bench).
  it("all answer 200 when they come at once, and the schedule is seeded once", async () => {
    // Staggered by a millisecond each, so that some arrive while others are between their reads.
    const views = await Promise.all(Array.from({ length: 40 }, (_, i) => new Promise((r) => setTimeout(r, i)).then(() => get(store.publicApp!, "/request"))));
    expect(views.map((r) => r.statusCode)).toEqual(Array(40).fill(200));
    const rows = await store.ctx.database.executeSql("SELECT count(*)::int AS n FROM reward_schedules");
    expect(rows.rows).toEqual([{ n: 1 }]);
  });
});

describe("the public pages read the schedule in force from the database", () => {
  it("show the seed's version first", async () => {
    const instructions = await page("/instructions");
    expect(instructions).toContain("1 апреля 2022");
    expect(instructions).toMatch(/500\s000\s\$/);
    expect(await page("/request")).toMatch(/500\s000\s\$/);
  });

  it("a newly approved version changes what they show; before the second administrator's approval, nothing changes", async () => {
    const id = await propose("2026-11-01", 650_000);
    expect(await page("/instructions")).not.toMatch(/650\s000/);
    await approve(id);
    const instructions = await page("/instructions");
    expect(instructions).toContain("1 ноября 2026");
    expect(instructions).not.toContain("1 апреля 2022");
    expect(instructions).toMatch(/650\s000\s\$/);
    // The helicopter's row, not the ship's (also $500,000), has the new amount.
    expect(instructions).toMatch(/Боевой вертолёт<\/td><td>650\s000\s\$/);
    expect(await page("/request")).toMatch(/650\s000\s\$/);
    expect(await page("/instructions?lang=uk")).toContain("1 листопада 2026");
  });

  it("a version that takes effect later is not shown before its day", async () => {
    await approve(await propose("2026-12-01", 700_000));
    const instructions = await page("/instructions");
    expect(instructions).not.toMatch(/700\s000/);
    expect(instructions).toMatch(/650\s000\s\$/);
  });

  it("the form takes only the types of the version in force, and the case records which version he was shown", async () => {
    const id = await (async () => {
      const r = await store.admin.request("POST", "/api/rewards/schedule", { effectiveFrom: "2026-11-05", currency: "USD", source: "amendment without MLRS (test)", items: items(650_000).filter((i) => i.code !== "mlrs") });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    })();
    await approve(id);
    const form = await page("/request");
    expect(form).not.toContain('value="mlrs"');
    expect(form).toContain('value="tank_sp_artillery"');
    const refused = await post(store.publicApp!, "/request", { name: "Тест", equipment: ["mlrs"], message: "Есть РСЗВ" });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(CATALOGS.ru.errors.choice);
    expect(refused.body).toContain("Есть РСЗВ");
    const taken = await post(store.publicApp!, "/request", { name: "Тест", equipment: ["tank_sp_artillery"], message: "Приеду на танке" });
    expect(taken.statusCode, taken.body.slice(0, 300)).toBe(201);
    const c = await store.staff.op1.request("GET", `/api/cases/${await latestCaseId(store.ctx)}`);
    expect(c.json().sections.questionnaire).toMatchObject({ equipment: ["tank_sp_artillery"], rewardScheduleFrom: "2026-11-05" });
  });
});
