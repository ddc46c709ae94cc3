import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { auditLog, cases } from "../../../src/server/db/schema.js";
import { FULL, handedOverCase, registered } from "./support.js";

type Who = "op1" | "reg" | "reg2";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
const ids = (r: { json: () => { caseId: string }[] }) => r.json().map((e) => e.caseId);

beforeAll(async () => {
  // Weeks after FULL's arrival day: his arrival card is overdue.
  store = await staffedStore({ staff: { op1: "operator", reg: "registrar", reg2: "registrar" }, startAt: new Date("2026-12-20T10:00:00Z") });
  s = store.staff;
}, 240_000);
afterAll(async () => store?.close());

describe("the register", () => {
  it("filters in the database: an overdue case behind more than a page of newer cases is found", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    const [row] = await store.ctx.db.select().from(cases).where(eq(cases.id, id));
    await store.ctx.db.update(cases).set({ updatedAt: new Date("2026-01-01T00:00:00Z") }).where(eq(cases.id, id));
    // 210 newer cases of his, handed over, no card owed: the old first-200-then-filter read missed him.
    const filler = Array.from({ length: 210 }, () => ({ state: "handed_over", channel: "web", teamId: row!.teamId, assignedUserId: s.reg.userId, updatedAt: new Date("2026-12-01T00:00:00Z") }));
    await store.ctx.db.insert(cases).values(filler);
    expect((await s.reg.request("GET", "/api/registration/register")).json()).toHaveLength(200);
    const overdue = await s.reg.request("GET", "/api/registration/register?cards=overdue");
    expect(overdue.statusCode, overdue.body).toBe(200);
    expect(ids(overdue)).toEqual([id]);
    expect(overdue.json()[0].nextCard.status).toBe("overdue");
    expect(ids(await s.reg.request("GET", "/api/registration/register?cards=due"))).not.toContain(id);
  });

  it("is searched by name through blind indexes, in any order and case, only within the registrar's scope", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, { ...FULL, surname: "Кузьмичёв", first_names: "Игорь Олегович" });
    const other = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, other, { ...FULL, surname: "Кузьмичёв", first_names: "Пётр Ильич" });
    const find = (who: Who, name: string) => s[who].request("GET", `/api/registration/register?name=${encodeURIComponent(name)}`);
    expect(ids(await find("reg", "Кузьмичёв")).sort()).toEqual([id, other].sort());
    expect(ids(await find("reg", "игорь КУЗЬМИЧЁВ"))).toEqual([id]);
    expect(ids(await find("reg", "Кузьмичев Игорь Олегович"))).toEqual([id]);
    expect(ids(await find("reg", "Кузьмичёв Иван"))).toEqual([]);
    // Outside his scope another registrar finds nothing; an operator may not search the register at all.
    expect((await find("reg2", "Кузьмичёв")).json()).toEqual([]);
    expect((await find("op1", "Кузьмичёв")).statusCode).toBe(403);
    expect((await find("reg", "К")).statusCode).toBe(400);
    // Audited by field, never by value; and the name is nowhere in clear.
    const audits = await store.ctx.db.select().from(auditLog).where(eq(auditLog.action, "pow.register_searched"));
    expect(audits.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(audits)).not.toMatch(/узьми|igor/i);
  });
});
