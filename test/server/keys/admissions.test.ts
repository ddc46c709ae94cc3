import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { Secret } from "otpauth";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { completeSetup, cookieFrom, createStaff, StaffClient, tokenFromLink, TEST_PASSWORD, type StaffClient as Client } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { auditLog, teamMembers } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let ctx: AppContext;
let app: BaseApp;
let store: StaffedStore<"op1" | "op2">;
let clock: StaffedStore<never>["clock"];
let admin: Client;
let op1: Client;
let op2: Client;
let caseId: string;

beforeAll(async () => {
  // op1 is the founding member of intake; op2 is admitted by op1.
  store = await staffedStore({ staff: { op1: "operator", op2: "operator" } });
  ({ ctx, app, clock, admin } = store);
  ({ op1, op2 } = store.staff);
  caseId = (await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Секретный Заявитель" } }, message: "только для команды" })).caseId;
});
afterAll(async () => store.close());

const holders = async (teamId: string) => (await ctx.db.select().from(teamMembers).where(eq(teamMembers.teamId, teamId))).filter((m) => m.sealedKey).map((m) => m.userId);

describe("four eyes on team keys (issue 10, item 2)", () => {
  it("at the first start the administrator holds team keys only in trust, and gives them up when a team gets its founding member", async () => {
    const founded = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "team.founded"), eq(auditLog.subjectId, "intake")));
    expect(founded).toHaveLength(1);
    expect(founded[0]!.details).toMatchObject({ userId: op1.userId });
    expect(await holders("intake")).toEqual(expect.arrayContaining([op1.userId, op2.userId]));
    expect(await holders("intake")).not.toContain(admin.userId);
    expect((await op2.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
  });

  it("the administrator's puppet operator never gets a team key and opens no case", async () => {
    // The attack: invite an operator, accept the link himself, enrol TOTP, then keep working.
    const inv = await admin.request("POST", "/api/staff/invitations", { role: "operator", username: "puppet" });
    expect(inv.statusCode).toBe(201);
    const puppet = await completeSetup(app, ctx, inv.json().link, "puppet", clock);
    for (let i = 0; i < 3; i++) expect((await admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
    expect((await admin.request("GET", "/api/staff")).statusCode).toBe(200);

    expect((await puppet.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    const list = await puppet.request("GET", "/api/cases");
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain(caseId);
    expect(await holders("intake")).not.toContain(puppet.userId);
    // Neither the puppet nor the administrator can admit him.
    expect((await puppet.request("POST", `/api/admissions/intake/${puppet.userId}/admit`)).statusCode).toBe(403);
    expect((await admin.request("POST", `/api/admissions/intake/${puppet.userId}/admit`)).statusCode).toBe(403);
    expect((await admin.request("GET", "/api/admissions")).statusCode).toBe(403);
    expect(await holders("intake")).not.toContain(puppet.userId);
    expect((await puppet.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);

    // The team sees him waiting, with who sponsored him, and turns him away.
    const waiting = (await op1.request("GET", "/api/admissions")).json();
    expect(waiting).toEqual([expect.objectContaining({ teamId: "intake", userId: puppet.userId, username: "puppet", reason: "new", sponsor: { id: admin.userId, displayName: "Test admin" }, mayAdmit: true })]);
    expect((await op1.request("POST", `/api/admissions/intake/${puppet.userId}/decline`)).statusCode).toBe(204);
    expect((await op1.request("GET", "/api/admissions")).json()).toEqual([]);
    expect((await puppet.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
  });

  it("resetting a real member's key and accepting the link himself gives the administrator nothing either", async () => {
    const r = await admin.request("POST", `/api/staff/${op2.userId}/reset-key`, { acceptKeyLoss: true });
    expect(r.statusCode).toBe(200);
    // The admin takes over op2's account with the one-time link.
    const accept = await app.inject({ method: "POST", url: "/api/setup/accept", payload: { token: tokenFromLink(r.json().link), username: "op2", displayName: "op2", password: TEST_PASSWORD } });
    expect(accept.statusCode).toBe(200);
    const half = new StaffClient(app, cookieFrom(accept), accept.json().csrfToken, "op2", null, op2.userId);
    const secret = Buffer.from(Secret.fromBase32((await half.request("POST", "/api/auth/totp/begin")).json().secret).bytes);
    clock.tick();
    const full = await half.request("POST", "/api/auth/totp/confirm", { code: totpCodeAt(secret, clock.now()) });
    const taken = new StaffClient(app, cookieFrom(full), full.json().csrfToken, "op2", secret, op2.userId);
    await admin.request("GET", "/api/auth/session");
    expect((await taken.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    expect(await holders("intake")).not.toContain(op2.userId);
    // His colleague sees a re-admission after a key reset, sponsored by the administrator.
    const waiting = (await op1.request("GET", "/api/admissions")).json();
    expect(waiting).toEqual([expect.objectContaining({ userId: op2.userId, reason: "key_reset", sponsor: { id: admin.userId, displayName: "Test admin" } })]);
  });

  it("a sponsor cannot admit the account he created, even as a member of the team", async () => {
    const late = await createStaff(app, ctx, admin, "operator", "late", clock, { admit: false });
    // Suppose op1 had created this account: the sponsor column says so.
    await ctx.db.update(teamMembers).set({ sponsorId: op1.userId }).where(and(eq(teamMembers.teamId, "intake"), eq(teamMembers.userId, late.userId)));
    const refused = await op1.request("POST", `/api/admissions/intake/${late.userId}/admit`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/another member of the team must admit it/);
    expect((await op1.request("GET", "/api/admissions")).json().find((a: { userId: string }) => a.userId === late.userId).mayAdmit).toBe(false);
    expect(await holders("intake")).not.toContain(late.userId);
  });

  it("a colleague's admission seals the key, and it is audited with the sponsor", async () => {
    const newcomer = await createStaff(app, ctx, admin, "operator", "newcomer", clock, { admit: false });
    expect((await newcomer.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    expect((await op1.request("POST", `/api/admissions/intake/${newcomer.userId}/admit`)).statusCode).toBe(204);
    expect((await newcomer.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
    const last = (await ctx.db.select().from(auditLog).where(eq(auditLog.action, "team.member_admitted"))).at(-1)!;
    expect(last).toMatchObject({ actorId: op1.userId, subjectId: "intake", details: { userId: newcomer.userId, sponsorId: admin.userId } });
  });
});
