import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { StaffClient } from "../../support/staff.js";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { recordIntake, registerEffect, registerGuard, SECTIONS } from "../../../src/server/cases/index.js";
import { allow } from "../../../src/server/policy.js";
import { auditLog, caseSections, cases } from "../../../src/server/db/schema.js";
import { CASE_STATES, MOVES, type CaseState } from "../../../src/shared/case-states.js";
import { SECTION_NAMES, type SectionName } from "../../../src/shared/sections.js";
import { ROLES, type Role } from "../../../src/shared/roles.js";
import type { AppContext } from "../../../src/server/context.js";

let ctx: AppContext;
let store: StaffedStore<string>;
const staff = {} as Record<Role, StaffClient>;

const newCase = async () => (await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Орлов Олег" }, questionnaire: { group: 1 } }, message: "Хочу сдаться" })).caseId;
const setState = (caseId: string, state: CaseState) => ctx.db.update(cases).set({ state }).where(eq(cases.id, caseId));
const stateOf = async (caseId: string) => (await ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, caseId)))[0]!.state;
/** A case the role works on: assigned to its person (a personal grant), or, for roles that do no case work, an intake case. */
const caseFor = async (role: Role) => {
  const id = await newCase();
  if (allow(role, "case", "read")) expect((await staff.operator.request("POST", `/api/cases/${id}/assign`, { userId: staff[role].userId })).statusCode).toBe(204);
  return id;
};

/** A valid value of each section, within its declared fields. */
const VALUES: Record<SectionName, Record<string, unknown>> = {
  identity: { name: "Орлов Олег Игоревич", rank: "рядовой", service_number: "АБ-123456" },
  contact: { phone: "+7 900 111-22-33", preferred: "phone" },
  questionnaire: { who: "alone", group: 2, region: "zaporizhzhia", equipment: ["tank_sp_artillery"] },
  rendezvous: { when: "завтра 05:30", where: "лесополоса у отметки 112", sector: "Запад-3", drone_escort: true },
};

beforeAll(async () => {
  store = await staffedStore({ staff: Object.fromEntries(ROLES.filter((r) => r !== "admin").map((r) => [`${r}1`, r])) });
  ({ ctx } = store);
  staff.admin = store.admin;
  for (const role of ROLES) if (role !== "admin") staff[role] = store.staff[`${role}1`]!;
  // The admin, custodian of every team key, admits the waiting members on his next request.
  expect((await staff.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
});
afterAll(async () => store.close());

describe("the section registry", () => {
  it("each role writes exactly the sections the policy table lets it write, and reads back what it may read", async () => {
    for (const role of ROLES) {
      const id = await caseFor(role);
      for (const section of SECTION_NAMES) {
        const w = SECTIONS[section].write;
        const may = !!allow(role, w.resource, w.action as never);
        const r = await staff[role].request("PUT", `/api/cases/${id}/sections/${section}`, VALUES[section]);
        expect([role, section, r.statusCode], r.body).toEqual([role, section, may ? 200 : 403]);
        if (may) expect(r.json()).toEqual({ section, fields: Object.keys(VALUES[section]).sort() });
      }
      if (!allow(role, "case", "read")) continue;
      const open = (await staff[role].request("GET", `/api/cases/${id}`)).json();
      for (const section of SECTION_NAMES) {
        const rd = SECTIONS[section].read;
        const w = SECTIONS[section].write;
        if (!allow(role, rd.resource, rd.action as never)) expect([role, section, open.sections[section]]).toEqual([role, section, undefined]);
        else if (allow(role, w.resource, w.action as never)) expect(open.sections[section]).toEqual(VALUES[section]);
      }
    }
    // The audit names the section and the fields, never a value.
    const rows = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.section_written"));
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/Орлов|900 111|отметки/);
  });

  it("refuses undeclared fields, wrong kinds and unknown sections with a 4xx, changing nothing", async () => {
    const id = await caseFor("operator");
    const before = await ctx.db.select().from(caseSections).where(eq(caseSections.caseId, id));
    for (const body of [{ nickname: "x" }, { group: "два" }, { region: "atlantis" }, { name: "" }]) {
      const section = "group" in body || "region" in body ? "questionnaire" : "identity";
      const r = await staff.operator.request("PUT", `/api/cases/${id}/sections/${section}`, body);
      expect(r.statusCode, r.body).toBe(400);
    }
    expect((await staff.operator.request("PUT", `/api/cases/${id}/sections/case_secret`, {})).statusCode).toBe(400);
    expect(await ctx.db.select().from(caseSections).where(eq(caseSections.caseId, id))).toEqual(before);
    // A case outside his scope is "not found", like one that does not exist.
    const other = await caseFor("verifier");
    expect((await staff.registrar.request("PUT", `/api/cases/${other}/sections/identity`, VALUES.identity)).statusCode).toBe(404);
    expect((await staff.operator.request("PUT", `/api/cases/00000000-0000-4000-8000-000000000000/sections/identity`, VALUES.identity)).statusCode).toBe(404);
  });
});

describe("transitions", () => {
  it("every declared move, as every role, gets exactly the policy table's answer", async () => {
    for (const role of ROLES) {
      const id = await caseFor(role);
      for (const from of CASE_STATES) {
        for (const [to, grant] of Object.entries(MOVES[from]) as [CaseState, string][]) {
          await setState(id, from);
          const r = await staff[role].request("POST", `/api/cases/${id}/transition`, { to, reason: "проверка" });
          const may = !!allow(role, "case", "transition") && !!allow(role, "case", grant as never);
          // A verdict is verification's (two reviews), and a registration needs a complete Art. 17
          // record, and closing a registered case a final event: the plain move is refused by
          // those guards even with the grant.
          const verdict = to === "verified" || to === "rejected" || to === "registered_pow" || (from === "registered_pow" && to === "closed");
          expect([role, from, to, r.statusCode], r.body).toEqual([role, from, to, may ? (verdict ? 409 : 200) : 403]);
          expect(await stateOf(id)).toBe(may && !verdict ? to : from);
        }
      }
    }
  });

  it("nobody decides verified with a plain move: not an operator (no grant), not a verifier alone (issue 11)", async () => {
    const id = await newCase();
    await setState(id, "verifying");
    expect((await staff.operator.request("POST", `/api/cases/${id}/transition`, { to: "verified", reason: "сам себе" })).statusCode).toBe(403);
    expect((await staff.operator.request("POST", `/api/cases/${id}/assign`, { teamId: "verification" })).statusCode).toBe(204);
    const alone = await staff.verifier.request("POST", `/api/cases/${id}/transition`, { to: "verified", reason: "данные сходятся" });
    expect(alone.statusCode).toBe(409);
    expect(alone.json().error.details).toEqual({ guard: "verification: two reviews" });
    expect(await stateOf(id)).toBe("verifying");
  });

  it("guards and effects registered by a capability run inside the move's transaction and roll back with it", async () => {
    const id = await caseFor("operator");
    await setState(id, "preliminary");
    const marker = (n: number) => ctx.db.update(cases).set({ unreadCount: n }).where(eq(cases.id, id));
    await marker(0);
    let refuse = true;
    const offGuard = registerGuard({ from: "preliminary", to: "verifying" }, "test: papers checked", async (m) => {
      expect(m.caseKey).not.toBeNull();
      return refuse ? "papers not checked" : null;
    });
    let fail = true;
    const offEffect = registerEffect("verifying", "test: mark", async (m) => {
      await m.tx.execute(sql`UPDATE cases SET unread_count = 77 WHERE id = ${m.caseId}::uuid`);
      if (fail) throw new Error("effect failed after writing");
    });
    try {
      const refused = await staff.operator.request("POST", `/api/cases/${id}/transition`, { to: "verifying", reason: "готово" });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.message).toBe("papers not checked");
      refuse = false;
      const failed = await staff.operator.request("POST", `/api/cases/${id}/transition`, { to: "verifying", reason: "готово" });
      expect(failed.statusCode).toBe(500);
      // Neither the move nor what the effect wrote survived.
      expect(await stateOf(id)).toBe("preliminary");
      expect((await ctx.db.select({ n: cases.unreadCount }).from(cases).where(eq(cases.id, id)))[0]!.n).toBe(0);
      fail = false;
      expect((await staff.operator.request("POST", `/api/cases/${id}/transition`, { to: "verifying", reason: "готово" })).statusCode).toBe(200);
      expect((await ctx.db.select({ n: cases.unreadCount }).from(cases).where(eq(cases.id, id)))[0]!.n).toBe(77);
    } finally {
      offGuard();
      offEffect();
    }
  });

  it("entering a closing state purges the rendezvous (a registered effect)", async () => {
    const id = await caseFor("coordinator");
    await setState(id, "scheduled");
    expect((await staff.coordinator.request("PUT", `/api/cases/${id}/sections/rendezvous`, VALUES.rendezvous)).statusCode).toBe(200);
    expect((await staff.coordinator.request("POST", `/api/cases/${id}/transition`, { to: "handed_over", reason: "вышел" })).statusCode).toBe(200);
    expect(await ctx.db.select().from(caseSections).where(and(eq(caseSections.caseId, id), eq(caseSections.section, "rendezvous")))).toEqual([]);
    expect((await staff.coordinator.request("PUT", `/api/cases/${id}/sections/rendezvous`, VALUES.rendezvous)).statusCode).toBe(409);
  });

  it("the first reply moves a new case to in_contact through the transition command, in the timeline", async () => {
    const id = await caseFor("operator");
    expect((await staff.operator.request("POST", `/api/cases/${id}/replies`, { text: "Здравствуйте" })).statusCode).toBe(201);
    const c = (await staff.operator.request("GET", `/api/cases/${id}`)).json();
    expect(c.state).toBe("in_contact");
    expect(c.events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "transition", fromState: "new", toState: "in_contact" })]));
    const a = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "case.transitioned"), eq(auditLog.subjectId, id)));
    expect(a.map((x) => x.details)).toEqual([{ from: "new", to: "in_contact", via: "reply" }]);
  });

  it("a merge keeps the more advanced state of the two, and never carries a rejection over", async () => {
    const [advanced, fresh, rejected] = [await newCase(), await newCase(), await newCase()];
    await setState(advanced, "verifying");
    await setState(rejected, "rejected");
    expect((await staff.operator.request("POST", `/api/cases/${advanced}/merge`, { into: fresh, reason: "тот же человек" })).statusCode).toBe(200);
    expect(await stateOf(fresh)).toBe("verifying");
    expect(await stateOf(advanced)).toBe("merged");
    const c = (await staff.operator.request("GET", `/api/cases/${fresh}`)).json();
    expect(c.events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "merged_from", fromState: "new", toState: "verifying", reason: "тот же человек" })]));
    expect((await staff.operator.request("POST", `/api/cases/${rejected}/merge`, { into: fresh, reason: "дубль" })).statusCode).toBe(200);
    expect(await stateOf(fresh)).toBe("verifying");
  });
});
