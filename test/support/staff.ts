import { Secret } from "otpauth";
import type { LightMyRequestResponse } from "fastify";
import type { BaseApp } from "../../src/server/http/base.js";
import type { AppContext } from "../../src/server/context.js";
import { issueFirstAdminLink, inviteStaff } from "../../src/server/auth/setup-links.js";
import { totpCodeAt } from "../../src/server/auth/totp.js";
import type { Role } from "../../src/shared/roles.js";
import { and, eq, isNull } from "drizzle-orm";
import { teamMembers } from "../../src/server/db/schema.js";

export const TEST_PASSWORD = "correct horse battery staple";
/** A user agent no log line may ever contain: the log grep looks for it. */
export const TEST_USER_AGENT = "SafePassageTestAgent/1.0 (canary-ua-7f3a)";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A signed-in staff member talking to the app through real HTTP injection. */
export class StaffClient {
  constructor(
    readonly app: BaseApp,
    public cookie: string,
    public csrf: string,
    readonly username: string,
    readonly totpSecret: Buffer | null,
    readonly userId: string,
    /** The recovery key shown once when the account was set up (tests keep it). */
    readonly recoveryKey?: string,
  ) {}

  request(method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: { cookie: `sp_staff=${this.cookie}`, "x-csrf-token": this.csrf, "user-agent": TEST_USER_AGENT },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
}

export function tokenFromLink(link: string): string {
  const m = /#token=([A-Za-z0-9_-]+)/.exec(link);
  if (!m) throw new Error(`no token in ${link}`);
  return m[1]!;
}

export function cookieFrom(res: LightMyRequestResponse, name = "sp_staff"): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} cookie in response (${res.statusCode}: ${res.body})`);
  return c.value;
}

/** TOTP codes are single-use per 30 s step; tests move the clock forward a step per code. */
export function advancingClock(ctx: AppContext) {
  let t = Date.now();
  ctx.now = () => new Date(t);
  return { tick: (ms = 31_000) => (t += ms), now: () => new Date(t) };
}

/** A new session for a staff member whose last one has expired (a test that moves the clock by days). */
export async function signInAgain(c: StaffClient, clock: { tick: () => number; now: () => Date }): Promise<StaffClient> {
  clock.tick();
  const r = await c.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: c.username, password: TEST_PASSWORD, totp: totpCodeAt(c.totpSecret!, clock.now()) } });
  if (r.statusCode !== 200) throw new Error(`sign in ${c.username}: ${r.statusCode} ${r.body}`);
  return new StaffClient(c.app, cookieFrom(r), r.json().csrfToken, c.username, c.totpSecret, c.userId);
}

/** Accept a setup link, enrol TOTP, return a full session. */
export async function completeSetup(app: BaseApp, ctx: AppContext, link: string, username: string, clock: { tick: () => number; now: () => Date }): Promise<StaffClient> {
  const accept = await app.inject({ method: "POST", url: "/api/setup/accept", headers: { "user-agent": TEST_USER_AGENT }, payload: { token: tokenFromLink(link), username, displayName: `Test ${username}`, password: TEST_PASSWORD } });
  if (accept.statusCode !== 200) throw new Error(`setup failed: ${accept.statusCode} ${accept.body}`);
  const recoveryKey: string = accept.json().recoveryKey;
  const client = new StaffClient(app, cookieFrom(accept), accept.json().csrfToken, username, null, "");
  const begin = await client.request("POST", "/api/auth/totp/begin");
  const secret = Buffer.from(Secret.fromBase32(begin.json().secret).bytes);
  clock.tick();
  const confirm = await client.request("POST", "/api/auth/totp/confirm", { code: totpCodeAt(secret, clock.now()) });
  if (confirm.statusCode !== 200) throw new Error(`enrolment failed: ${confirm.statusCode} ${confirm.body}`);
  const full = new StaffClient(app, cookieFrom(confirm), confirm.json().csrfToken, username, secret, "");
  const me = await full.request("GET", "/api/auth/session");
  return new StaffClient(app, full.cookie, full.csrf, username, secret, me.json().user.id, recoveryKey);
}

export async function createFirstAdmin(app: BaseApp, ctx: AppContext, clock: { tick: () => number; now: () => Date }) {
  const link = await issueFirstAdminLink(ctx);
  if (!link) throw new Error("store is not empty");
  return completeSetup(app, ctx, link, "admin", clock);
}

/** Every member created through createStaff, per store: the colleagues who can admit the next one. */
const colleagues = new WeakMap<AppContext, StaffClient[]>();

/**
 * An invited, enrolled staff member who is also admitted to his default team, as in real life:
 * the administrator's next request gives a member-less team its founding member; otherwise a
 * colleague already in the team (not the administrator who invited him) admits him over HTTP.
 * Pass `admit: false` to leave him waiting for admission.
 */
export async function createStaff(app: BaseApp, ctx: AppContext, admin: StaffClient, role: Role, username: string, clock: { tick: () => number; now: () => Date }, opts: { admit?: boolean } = {}) {
  const inv = await inviteStaff(ctx, { role, username, invitedBy: admin.userId });
  const member = await completeSetup(app, ctx, inv.link, username, clock);
  const known = colleagues.get(ctx) ?? [];
  colleagues.set(ctx, [...known, member]);
  if (opts.admit === false) return member;
  await admin.request("GET", "/api/auth/session");
  let waitingFor = await teamsWaiting(ctx, member.userId);
  for (const c of known) {
    if (waitingFor.length === 0) break;
    const session = await freshSession(app, c, clock);
    if (!session) continue;
    for (const teamId of waitingFor) await session.request("POST", `/api/admissions/${teamId}/${member.userId}/admit`);
    waitingFor = await teamsWaiting(ctx, member.userId);
  }
  return member;
}

async function teamsWaiting(ctx: AppContext, userId: string): Promise<string[]> {
  const rows = await ctx.db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.userId, userId), isNull(teamMembers.sealedKey)));
  return rows.map((r) => r.teamId);
}

/** The colleague's session, signing him in again if it has lapsed (tests move the clock). */
async function freshSession(app: BaseApp, c: StaffClient, clock: { tick: () => number; now: () => Date }): Promise<StaffClient | null> {
  if ((await c.request("GET", "/api/auth/session")).statusCode === 200) return c;
  if (!c.totpSecret) return null;
  clock.tick();
  const r = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username: c.username, password: TEST_PASSWORD, totp: totpCodeAt(c.totpSecret, clock.now()) } });
  if (r.statusCode !== 200) return null;
  c.cookie = cookieFrom(r);
  c.csrf = r.json().csrfToken;
  return c;
}
