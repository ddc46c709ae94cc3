import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { cookieFrom, createStaff, StaffClient, TEST_PASSWORD, TEST_USER_AGENT } from "../../support/staff.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { issueFirstAdminLink } from "../../../src/server/auth/setup-links.js";
import { auditLog, sessions, users } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let ctx: AppContext;
let app: BaseApp;
let store: StaffedStore<never>;
let clock: StaffedStore<never>["clock"];
let admin: StaffClient;

beforeAll(async () => {
  store = await staffedStore();
  ({ ctx, app, clock, admin } = store);
});
afterAll(async () => store.close());

const login = (username: string, password: string, totp?: string, ua = TEST_USER_AGENT, remoteAddress = "127.0.0.1") =>
  app.inject({ method: "POST", url: "/api/auth/login", headers: { "user-agent": ua }, remoteAddress, payload: { username, password, ...(totp !== undefined ? { totp } : {}) } });

async function actions(): Promise<string[]> {
  return (await ctx.db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action);
}

describe("first admin and enrolment", () => {
  it("there is no default account: the first admin comes from a one-time link, used once", async () => {
    expect(await issueFirstAdminLink(ctx)).toBeNull(); // store has an admin now: no new link
    const me = await admin.request("GET", "/api/auth/session");
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ stage: "full", user: { username: "admin", role: "admin" } });
    expect(await actions()).toEqual(expect.arrayContaining(["staff.first_admin_link_issued", "staff.first_admin_created", "staff.totp_enrolled"]));
  });

  it("passwords are stored peppered, as Argon2id with at least 64 MiB", async () => {
    const [u] = await ctx.db.select().from(users).where(eq(users.username, "admin"));
    // Peppered (pp1$): the Argon2id input is a keyed hash of the password under the key file.
    expect(u!.passwordHash).toMatch(/^pp1\$\$argon2id\$v=19\$m=(\d+),t=\d+,p=1\$/);
    expect(Number(/m=(\d+)/.exec(u!.passwordHash)![1])).toBeGreaterThanOrEqual(65536);
    expect(u!.totpSecretEnc!.length).toBeGreaterThan(20);
  });

  it("an invitation link works once only", async () => {
    const inv = await admin.request("POST", "/api/staff/invitations", { role: "operator", username: "once" });
    expect(inv.statusCode).toBe(201);
    const token = /#token=(.+)$/.exec(inv.json().link)![1];
    const body = { token, username: "once", displayName: "Once", password: TEST_PASSWORD };
    expect((await app.inject({ method: "POST", url: "/api/setup/accept", payload: body })).statusCode).toBe(200);
    const again = await app.inject({ method: "POST", url: "/api/setup/accept", payload: { ...body, username: "twice" } });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe("not_found");
  });

  it("2FA is mandatory: a session without TOTP can only enrol", async () => {
    const inv = await admin.request("POST", "/api/staff/invitations", { role: "operator" });
    const token = /#token=(.+)$/.exec(inv.json().link)![1];
    const acc = await app.inject({ method: "POST", url: "/api/setup/accept", payload: { token, username: "noenrol", displayName: "No Enrol", password: TEST_PASSWORD } });
    const half = new StaffClient(app, cookieFrom(acc), acc.json().csrfToken, "noenrol", null, "");
    const r = await half.request("GET", "/api/staff");
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe("enrolment_required");
    // Password-only login also lands in the enrol stage, never a full session.
    const l = await login("noenrol", TEST_PASSWORD);
    expect(l.statusCode).toBe(200);
    expect(l.json().stage).toBe("enrol");
  });

  it("a short password is refused with a clear field error and nothing is created", async () => {
    const inv = await admin.request("POST", "/api/staff/invitations", { role: "operator" });
    const token = /#token=(.+)$/.exec(inv.json().link)![1];
    const before = (await ctx.db.select().from(users)).length;
    const r = await app.inject({ method: "POST", url: "/api/setup/accept", payload: { token, username: "shorty", displayName: "S", password: "short" } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe("validation_failed");
    expect(JSON.stringify(r.json().error.details)).toContain("password");
    expect((await ctx.db.select().from(users)).length).toBe(before);
  });
});

describe("login", () => {
  it("needs password and current TOTP code; a code is accepted once", async () => {
    clock.tick();
    const code = totpCodeAt(admin.totpSecret!, clock.now());
    const ok = await login("admin", TEST_PASSWORD, code);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().stage).toBe("full");
    const replay = await login("admin", TEST_PASSWORD, code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.message).toBe("wrong username, password or code");
  });

  it("wrong password, wrong code and unknown user give the same answer, and are audited", async () => {
    clock.tick();
    const a = await login("admin", "wrong password!!", totpCodeAt(admin.totpSecret!, clock.now()));
    const b = await login("admin", TEST_PASSWORD, "000000");
    const c = await login("nobody-here", TEST_PASSWORD, "123456");
    for (const r of [a, b, c]) {
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ error: { code: "unauthenticated", message: "wrong username, password or code" } });
    }
    const failed = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.login_failed"));
    expect(failed.map((f) => f.details.reason)).toEqual(expect.arrayContaining(["bad_password", "bad_totp", "unknown_user"]));
  });

  it("locks out the attacking client for a while, but not the real user elsewhere, and never for good", async () => {
    const op = await createStaff(app, ctx, admin, "operator", "victim", clock);
    for (let i = 0; i < 6; i++) await login("victim", "guess guess guess", "111111", TEST_USER_AGENT, "10.9.9.9");
    const blocked = await login("victim", TEST_PASSWORD, "111111", TEST_USER_AGENT, "10.9.9.9");
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe("rate_limited");
    // The real person, from another address, gets in.
    clock.tick();
    const real = await login("victim", TEST_PASSWORD, totpCodeAt(op.totpSecret!, clock.now()), TEST_USER_AGENT, "10.1.1.1");
    expect(real.statusCode).toBe(200);
    // And the lock on the attacker's pair ends by itself (at most 15 minutes).
    clock.tick(16 * 60_000);
    const later = await login("victim", "guess guess guess", "111111", TEST_USER_AGENT, "10.9.9.9");
    expect(later.statusCode).toBe(401);
  });

  it("sets a HttpOnly, SameSite=Strict, Secure session cookie", async () => {
    clock.tick();
    const r = await login("admin", TEST_PASSWORD, totpCodeAt(admin.totpSecret!, clock.now()));
    const c = r.cookies.find((x) => x.name === "sp_staff")!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe("Strict");
    expect(c.secure).toBe(true);
  });
});

describe("sessions", () => {
  it("refuses a state change without the CSRF token", async () => {
    const r = await app.inject({ method: "POST", url: "/api/staff/invitations", headers: { cookie: `sp_staff=${admin.cookie}` }, payload: { role: "operator" } });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe("csrf_failed");
    const wrong = await app.inject({ method: "POST", url: "/api/staff/invitations", headers: { cookie: `sp_staff=${admin.cookie}`, "x-csrf-token": "x".repeat(43) }, payload: { role: "operator" } });
    expect(wrong.statusCode).toBe(403);
  });

  it("expires after 30 idle minutes", async () => {
    const s = await createStaff(app, ctx, admin, "verifier", "idler", clock);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(200);
    clock.tick(29 * 60_000);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(200);
    clock.tick(31 * 60_000);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(401);
  });

  it("expires 12 hours after login even when busy", async () => {
    const s = await createStaff(app, ctx, admin, "verifier", "busy", clock);
    for (let h = 0; h < 12; h++) {
      expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(200);
      for (let m = 0; m < 3; m++) {
        clock.tick(20 * 60_000);
        if (h * 60 + (m + 1) * 20 < 12 * 60) await s.request("GET", "/api/auth/session");
      }
    }
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(401);
  });

  it("logout everywhere ends every session of the user", async () => {
    const s = await createStaff(app, ctx, admin, "operator", "many", clock);
    clock.tick();
    const second = await login("many", TEST_PASSWORD, totpCodeAt(s.totpSecret!, clock.now()));
    const other = new StaffClient(app, cookieFrom(second), second.json().csrfToken, "many", null, s.userId);
    expect((await other.request("GET", "/api/auth/session")).statusCode).toBe(200);
    expect((await s.request("POST", "/api/auth/logout-all")).statusCode).toBe(204);
    expect((await other.request("GET", "/api/auth/session")).statusCode).toBe(401);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(401);
    expect((await ctx.db.select().from(sessions).where(eq(sessions.userId, s.userId))).length).toBe(0);
  });
});

describe("staff administration", () => {
  beforeAll(async () => {
    // The session tests above moved the clock past the admin's session: sign in afresh.
    clock.tick();
    const r = await login("admin", TEST_PASSWORD, totpCodeAt(admin.totpSecret!, clock.now()));
    admin = new StaffClient(app, cookieFrom(r), r.json().csrfToken, "admin", admin.totpSecret, admin.userId);
  });

  it("role changes are audited and end the member's sessions; non-admins may not", async () => {
    const s = await createStaff(app, ctx, admin, "operator", "promoted", clock);
    expect((await s.request("POST", `/api/staff/${s.userId}/role`, { role: "admin" })).statusCode).toBe(403);
    expect((await admin.request("POST", `/api/staff/${s.userId}/role`, { role: "verifier" })).statusCode).toBe(204);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(401);
    const rows = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.role_changed"));
    expect(rows.at(-1)).toMatchObject({ actorId: admin.userId, subjectId: s.userId, details: { from: "operator", to: "verifier" } });
  });

  it("disabling ends sessions and blocks login; the last admin cannot be disabled", async () => {
    const s = await createStaff(app, ctx, admin, "operator", "leaver", clock);
    expect((await admin.request("POST", `/api/staff/${s.userId}/disable`)).statusCode).toBe(204);
    expect((await s.request("GET", "/api/auth/session")).statusCode).toBe(401);
    clock.tick();
    expect((await login("leaver", TEST_PASSWORD, totpCodeAt(s.totpSecret!, clock.now()))).statusCode).toBe(401);
    const last = await admin.request("POST", `/api/staff/${admin.userId}/disable`);
    expect(last.statusCode).toBe(409);
  });

  it("a 2FA reset is audited and forces enrolment again", async () => {
    const s = await createStaff(app, ctx, admin, "operator", "lostphone", clock);
    expect((await admin.request("POST", `/api/staff/${s.userId}/reset-2fa`)).statusCode).toBe(204);
    const l = await login("lostphone", TEST_PASSWORD, "");
    expect(l.json().stage).toBe("enrol");
    expect(await actions()).toContain("staff.totp_reset");
  });

  it("lists staff without secrets", async () => {
    const r = await admin.request("GET", "/api/staff");
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toMatch(/argon2|password|totpSecret/i);
    expect(r.json()[0]).toHaveProperty("role");
  });
});
