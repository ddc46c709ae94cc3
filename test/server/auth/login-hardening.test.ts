import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { createStaff, TEST_PASSWORD, type StaffClient } from "../../support/staff.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { auditLog } from "../../../src/server/db/schema.js";
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

const login = (username: string, password: string, totp: string, remoteAddress: string) =>
  app.inject({ method: "POST", url: "/api/auth/login", remoteAddress, payload: { username, password, totp } });

describe("one TOTP code, one login (issue 10, item 12)", () => {
  it("of parallel logins with the same code, exactly one gets a session", async () => {
    clock.tick();
    const code = totpCodeAt(admin.totpSecret!, clock.now());
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => login("admin", TEST_PASSWORD, code, `10.20.0.${i + 1}`)));
    const codes = answers.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 401, 401, 401, 401, 401]);
    expect(answers.filter((r) => r.cookies.some((c) => c.name === "sp_staff")).length).toBe(1);
    const replays = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.login_failed"));
    expect(replays.filter((r) => r.details.reason === "totp_replayed" || r.details.reason === "bad_totp").length).toBe(5);
  });
});

describe("login backoff (issue 10, item 13)", () => {
  it("a guesser who knows the password cannot hammer TOTP codes by changing address", async () => {
    const victim = await createStaff(app, ctx, admin, "verifier", "knownpw", clock);
    clock.tick();
    // Three wrong codes with the right password, each from a fresh address...
    for (let i = 0; i < 3; i++) expect((await login("knownpw", TEST_PASSWORD, String(100000 + i), `198.51.100.${i + 1}`)).statusCode).toBe(401);
    // ...and the account itself is now in backoff: a fourth address, even with the right code, waits.
    const right = totpCodeAt(victim.totpSecret!, clock.now());
    const fourth = await login("knownpw", TEST_PASSWORD, right, "203.0.113.77");
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error.code).toBe("rate_limited");
    // The same answer for a wrong password: the lock tells nothing about the password.
    expect((await login("knownpw", "not the password at all", "123456", "203.0.113.78")).statusCode).toBe(429);
    // Wrong passwords alone never lock the account for everyone (only the attacker's pair).
    const other = await createStaff(app, ctx, admin, "verifier", "wrongpw", clock);
    clock.tick();
    for (let i = 0; i < 8; i++) await login("wrongpw", "guess guess guess", "123456", `198.51.100.${50 + i}`);
    clock.tick();
    expect((await login("wrongpw", TEST_PASSWORD, totpCodeAt(other.totpSecret!, clock.now()), "203.0.113.90")).statusCode).toBe(200);
    // The backoff ends by itself.
    clock.tick(16 * 60_000);
    expect((await login("knownpw", TEST_PASSWORD, totpCodeAt(victim.totpSecret!, clock.now()), "203.0.113.77")).statusCode).toBe(200);
  });

  it("IPv6 addresses of one /64 count as one client", async () => {
    const s = await createStaff(app, ctx, admin, "verifier", "v6user", clock);
    for (let i = 1; i <= 6; i++) await login("v6user", "guess guess guess", "123456", `2001:db8:5:7::${i.toString(16)}`);
    const sameBlock = await login("v6user", "guess guess guess", "123456", "2001:db8:5:7:aaaa:bbbb:cccc:dddd");
    expect(sameBlock.statusCode).toBe(429);
    clock.tick();
    const otherBlock = await login("v6user", TEST_PASSWORD, totpCodeAt(s.totpSecret!, clock.now()), "2001:db8:5:8::1");
    expect(otherBlock.statusCode).toBe(200);
  });
});
