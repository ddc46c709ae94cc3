import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { freshContext } from "../../support/store.js";
import { advancingClock, cookieFrom, createFirstAdmin, createStaff, StaffClient, TEST_PASSWORD } from "../../support/staff.js";
import { buildStaffApp } from "../../../src/server/app.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { initEscrow } from "../../../src/server/keys/recovery.js";
import { recoverStaffKey, resetStaffKeyWithLoss } from "../../../src/server/staff/key-recovery.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { auditLog, staffKeys } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let ctx: AppContext;
let app: BaseApp;
let cleanup: () => Promise<void>;
let clock: ReturnType<typeof advancingClock>;
let admin: StaffClient;
let shares: string[];
let colleague: StaffClient;

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
  clock = advancingClock(ctx);
  app = await buildStaffApp(ctx);
  admin = await createFirstAdmin(app, ctx, clock);
  shares = (await initEscrow(ctx, 3, 2)).shares;
  // The intake team's founding member: he admits the colleagues who join after him.
  colleague = await createStaff(app, ctx, admin, "operator", "colleague", clock);
});

/** The colleague, signed in afresh, admits whoever waits for the intake team. */
async function colleagueAdmits(userId: string) {
  const c = (await login("colleague", TEST_PASSWORD, colleague.totpSecret!))!;
  return c.request("POST", `/api/admissions/intake/${userId}/admit`);
}
afterAll(async () => {
  await app.close();
  await cleanup();
});

async function login(username: string, password: string, secret: Buffer) {
  clock.tick();
  const r = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password, totp: totpCodeAt(secret, clock.now()) } });
  return r.statusCode === 200 ? new StaffClient(app, cookieFrom(r), r.json().csrfToken, username, secret, r.json().user.id) : null;
}

/** An operator with an old case, who then forgets his password. */
async function operatorWithOldCase(username: string) {
  const op = await createStaff(app, ctx, admin, "operator", username, clock); // admitted by the colleague
  const again = (await login(username, TEST_PASSWORD, op.totpSecret!))!; // his sign-in adds the escrow copy
  const c = await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Старое Дело" } }, message: "старое сообщение" });
  expect((await again.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(200);
  return { op, caseId: c.caseId };
}

describe("staff key recovery", () => {
  it("the printed recovery key restores access to an old case after a forgotten password", async () => {
    const { op, caseId } = await operatorWithOldCase("forgetful1");
    const accept = await ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, op.userId));
    expect(accept[0]!.escrowKeyId).not.toBeNull();
    // The recovery key was shown once at set-up: the test helper kept it from the accept answer.
    const recoveryKey = op.recoveryKey!;
    await expect(recoverStaffKey(ctx, "forgetful1", { recoveryKey: recoveryKey.replace(/.$/, (c) => (c === "A" ? "B" : "A")) }, "a brand new password")).rejects.toThrow(/recovery failed/);
    await recoverStaffKey(ctx, "forgetful1", { recoveryKey }, "a brand new password");
    expect(await login("forgetful1", TEST_PASSWORD, op.totpSecret!)).toBeNull();
    const back = (await login("forgetful1", "a brand new password", op.totpSecret!))!;
    const c = await back.request("GET", `/api/cases/${caseId}`);
    expect(c.statusCode).toBe(200);
    expect(c.json().messages[0].body).toBe("старое сообщение");
  });

  it("two of three escrow shares restore access; one share is not enough", async () => {
    const { op, caseId } = await operatorWithOldCase("forgetful2");
    await expect(recoverStaffKey(ctx, "forgetful2", { shares: [shares[2]!] }, "another new password")).rejects.toThrow();
    await recoverStaffKey(ctx, "forgetful2", { shares: [shares[0]!, shares[2]!] }, "another new password");
    const back = (await login("forgetful2", "another new password", op.totpSecret!))!;
    expect((await back.request("GET", `/api/cases/${caseId}`)).json().sections.identity.name).toBe("Старое Дело");
    const events = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.key_recovered"));
    expect(events.map((e) => e.details.via).sort()).toEqual(["escrow", "recovery_key"]);
  });

  it("a reset without recovery is an explicit, audited loss; team access comes back only through a colleague's admission", async () => {
    const { op, caseId } = await operatorWithOldCase("forgetful3");
    const r = await resetStaffKeyWithLoss(ctx, "forgetful3", "third new password!");
    expect(r.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    const lost = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.key_lost"));
    expect(lost).toHaveLength(1);
    const back = (await login("forgetful3", "third new password!", op.totpSecret!))!;
    // Until a member of his team admits him again, the case does not open for him; the admin's requests change nothing.
    expect((await back.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    await admin.request("GET", "/api/auth/session");
    expect((await back.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    expect((await colleagueAdmits(op.userId)).statusCode).toBe(204);
    expect((await back.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
  });
});

describe("password change", () => {
  it("re-wraps the same key: old cases still open with the new password, the old password fails", async () => {
    const { op, caseId } = await operatorWithOldCase("changer");
    const s = (await login("changer", TEST_PASSWORD, op.totpSecret!))!;
    expect((await s.request("POST", "/api/auth/password", { current: "wrong wrong wrong", next: "the next password" })).statusCode).toBe(400);
    const r = await s.request("POST", "/api/auth/password", { current: TEST_PASSWORD, next: "the next password" });
    expect(r.statusCode).toBe(200);
    expect(await login("changer", TEST_PASSWORD, op.totpSecret!)).toBeNull();
    const back = (await login("changer", "the next password", op.totpSecret!))!;
    expect((await back.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
    const events = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.password_changed"));
    expect(events).toHaveLength(1);
  });
});

describe("key reset from the console", () => {
  it("discards the key with an audited loss and hands back a one-time link to start again", async () => {
    const { op, caseId } = await operatorWithOldCase("lostall");
    expect((await admin.request("POST", `/api/staff/${op.userId}/reset-key`, {})).statusCode).toBe(400); // must say acceptKeyLoss
    const r = await admin.request("POST", `/api/staff/${op.userId}/reset-key`, { acceptKeyLoss: true });
    expect(r.statusCode).toBe(200);
    expect(await login("lostall", TEST_PASSWORD, op.totpSecret!)).toBeNull(); // the old password is void
    const { completeSetup } = await import("../../support/staff.js");
    const again = await completeSetup(app, ctx, r.json().link, "lostall", clock);
    expect(again.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    // The admin who reset the key (and may hold the new password) gets nothing by his own requests:
    await admin.request("GET", "/api/auth/session");
    expect((await again.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(404);
    // a colleague of the team, who knows the person, admits him again.
    expect((await colleagueAdmits(op.userId)).statusCode).toBe(204);
    expect((await again.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
    const events = (await ctx.db.select().from(auditLog)).map((e) => e.action);
    expect(events).toEqual(expect.arrayContaining(["staff.key_lost", "staff.rekeyed"]));
  });
});
