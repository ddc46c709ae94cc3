import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { createStaff, TEST_PASSWORD, type advancingClock, type StaffClient } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { unlockStaffKey } from "../../../src/server/keys/staff.js";
import { openTeamKey } from "../../../src/server/crypto/team-keys.js";
import { openCaseKey } from "../../../src/server/crypto/case-keys.js";
import { publicKeyOf } from "../../../src/server/crypto/box.js";
import { auditLog, caseGrants, teamMembers, teams } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let ctx: AppContext;
let app: BaseApp;
let clock: ReturnType<typeof advancingClock>;
let admin: StaffClient;
let op1: StaffClient;

let store: StaffedStore<"op1">;
beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator" } });
  ({ ctx, app, admin, clock } = store);
  ({ op1 } = store.staff);
});
afterAll(() => store.close());

const intake = (text: string) => recordIntake(ctx, { channel: "web", sections: { identity: { name: "Заявитель" } }, message: text });

/** What a member who kept his copy could open offline: his sealed team key, with his own private key. */
async function keptTeamKey(userId: string) {
  const [row] = await ctx.db.select().from(teamMembers).where(and(eq(teamMembers.teamId, "intake"), eq(teamMembers.userId, userId)));
  const privateKey = (await unlockStaffKey(ctx.db, ctx.keys, userId, TEST_PASSWORD))!;
  return openTeamKey(row!.sealedKey!, { publicKey: publicKeyOf(privateKey), privateKey });
}

async function teamGrant(caseId: string) {
  const [g] = await ctx.db.select().from(caseGrants).where(and(eq(caseGrants.caseId, caseId), eq(caseGrants.recipientType, "team")));
  return g!.sealedKey;
}

describe("access is taken away (issue 10, item 10: teams)", () => {
  it("disabling an account ends his access, and his teams' keys rotate so a kept copy opens nothing", async () => {
    const leaver = await createStaff(app, ctx, admin, "operator", "leaver", clock);
    const old = await intake("до отключения");
    expect((await leaver.request("GET", `/api/cases/${old.caseId}`)).statusCode).toBe(200);
    const kept = await keptTeamKey(leaver.userId);
    // Before: his kept copy opens the case key (the control that makes the check below mean something).
    expect(openCaseKey(await teamGrant(old.caseId), kept.publicKey, kept.privateKey).length).toBe(32);
    const [before] = await ctx.db.select().from(teams).where(eq(teams.id, "intake"));

    expect((await admin.request("POST", `/api/staff/${leaver.userId}/disable`)).statusCode).toBe(204);
    expect((await leaver.request("GET", `/api/cases/${old.caseId}`)).statusCode).toBe(401);
    clock.tick();
    expect((await app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "leaver", password: TEST_PASSWORD, totp: totpCodeAt(leaver.totpSecret!, clock.now()) } })).statusCode).toBe(401);
    expect((await ctx.db.select().from(teams).where(eq(teams.id, "intake")))[0]!.rotationDue).toBe(true);

    // The next key holder online rotates the key; the server alone could not.
    expect((await op1.request("GET", "/api/auth/session")).statusCode).toBe(200);
    const [after] = await ctx.db.select().from(teams).where(eq(teams.id, "intake"));
    expect(after!.keyVersion).toBe(before!.keyVersion + 1);
    expect(after!.rotationDue).toBe(false);
    expect(after!.publicKey.equals(before!.publicKey)).toBe(false);
    const rotated = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "team.key_rotated"));
    expect(rotated.at(-1)).toMatchObject({ actorId: op1.userId, subjectId: "intake" });

    // The kept old team key opens neither the old case (resealed) nor a new one.
    const fresh = await intake("после отключения");
    for (const id of [old.caseId, fresh.caseId]) {
      const sealed = await teamGrant(id);
      expect(() => openCaseKey(sealed, kept.publicKey, kept.privateKey)).toThrow();
    }
    // His row keeps no copy of the new key: re-enabling him would need a colleague's admission.
    const [row] = await ctx.db.select().from(teamMembers).where(and(eq(teamMembers.teamId, "intake"), eq(teamMembers.userId, leaver.userId)));
    expect(row!.sealedKey).toBeNull();
    // The remaining member reads both.
    expect((await op1.request("GET", `/api/cases/${old.caseId}`)).statusCode).toBe(200);
    expect((await op1.request("GET", `/api/cases/${fresh.caseId}`)).statusCode).toBe(200);
  });

  it("removing a member from a team ends his access at once; the last key holder cannot be removed", async () => {
    const mover = await createStaff(app, ctx, admin, "operator", "mover", clock);
    const c = await intake("для команды");
    expect((await mover.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(200);
    expect((await admin.request("DELETE", `/api/teams/intake/members/${mover.userId}`)).statusCode).toBe(204);
    expect((await mover.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(404);
    expect(JSON.stringify((await mover.request("GET", "/api/cases")).json())).not.toContain(c.caseId);
    expect((await ctx.db.select().from(teams).where(eq(teams.id, "intake")))[0]!.rotationDue).toBe(true);
    const last = await admin.request("DELETE", `/api/teams/intake/members/${op1.userId}`);
    expect(last.statusCode).toBe(409);
    expect((await op1.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(200);
  });
});

