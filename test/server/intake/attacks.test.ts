import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { buildPublicApp } from "../../../src/server/app.js";
import { parsePublicTrustProxy } from "../../../src/server/config.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { intakeSpentTokens } from "../../../src/server/intake/tables.js";
import { TEST_POW_ENV, applicantCookie, caseCount, fetchToken, post, receiptCodeOf, solveToken, withEnv } from "./helpers.js";

/**
 * Issue 10, points 3, 15 and 18 and the two first-use findings, each performed as an attacker
 * (or a confused applicant) would, over HTTP into the real public app, on PGlite and PostgreSQL.
 */
let ctx: AppContext;
let store: StaffedStore<never>;
const apps: BaseApp[] = [];

/** A public app as a deployment would run it: a trusted-proxy setting and intake settings from the environment. */
async function publicApp(trustProxy = "", env: Record<string, string> = {}): Promise<BaseApp> {
  const restore = withEnv(env);
  try {
    const app = await buildPublicApp({ ...ctx, config: { ...ctx.config, publicClients: parsePublicTrustProxy(trustProxy) } });
    apps.push(app);
    return app;
  } finally {
    restore();
  }
}

const REQUEST = { message: "Хочу сдаться. Настоящая заявка.", contact: "site" };
const SAME_ORIGIN = { "sec-fetch-site": "same-origin", origin: "null" };

beforeAll(async () => {
  store = await staffedStore();
  ({ ctx } = store);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await store.close();
});

describe("point 3: rate limits behind a proxy or an onion service", () => {
  it("behind an onion service (one address for all), an attacker's junk posts lock out only his own form", async () => {
    const app = await publicApp("onion", { INTAKE_FLOOD_MODE: "off" });
    const tor = "127.0.0.1";
    const before = await caseCount(ctx);
    const token = (await fetchToken(app, "/request"))!;
    const junk: number[] = [];
    for (let i = 0; i < 12; i++) junk.push((await post(app, "/request", { form_token: token, group_size: "x", who: "group" }, { address: tor })).statusCode);
    for (let i = 0; i < 20; i++) junk.push((await post(app, "/request", { message: "junk" }, { address: tor, token: false })).statusCode);
    expect(junk.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(junk.slice(10, 12)).toEqual([429, 429]); // his own form's bucket is full
    expect(junk.slice(12)).toEqual(Array(20).fill(400)); // no token: refused for one keyed hash, counted nowhere
    // A real applicant, through the same onion service, is not locked out.
    const real = await post(app, "/request", REQUEST, { address: tor, headers: SAME_ORIGIN });
    expect(real.statusCode).toBe(201);
    expect(await caseCount(ctx)).toBe(before + 1);
  });

  it("directly connected, junk from an address does not count toward that address's limit; only posts that got in do", async () => {
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off", INTAKE_POSTS_PER_ADDRESS: "2" });
    const shared = "10.77.0.1"; // a carrier's NAT: many people, one address
    for (let i = 0; i < 15; i++) expect((await post(app, "/request", { who: "group", group_size: "1" }, { address: shared })).statusCode).toBe(400);
    expect((await post(app, "/request", REQUEST, { address: shared })).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, { address: shared })).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, { address: shared })).statusCode).toBe(429);
  });

  it("PUBLIC_TRUST_PROXY: X-Forwarded-For is believed from the proxy only; a forged one from elsewhere changes nothing", async () => {
    const app = await publicApp("127.0.0.1", { INTAKE_FLOOD_MODE: "off", INTAKE_POSTS_PER_ADDRESS: "1" });
    const viaProxy = (client: string) => ({ address: "127.0.0.1", headers: { "x-forwarded-for": client } });
    expect((await post(app, "/request", REQUEST, viaProxy("203.0.113.7"))).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, viaProxy("203.0.113.7"))).statusCode).toBe(429);
    expect((await post(app, "/request", REQUEST, viaProxy("198.51.100.9"))).statusCode).toBe(201); // another client behind the proxy
    // Someone connecting directly cannot pick a fresh address per post with the header.
    const direct = (n: number) => ({ address: "192.0.2.50", headers: { "x-forwarded-for": `198.18.0.${n}` } });
    expect((await post(app, "/request", REQUEST, direct(1))).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, direct(2))).statusCode).toBe(429);
    expect(() => parsePublicTrustProxy("everyone")).toThrow(/PUBLIC_TRUST_PROXY/);
  });

  it("with the switch on, posts without a valid proof of work do not use up the ceiling for all clients", async () => {
    const app = await publicApp("onion", { ...TEST_POW_ENV, INTAKE_FLOOD_MODE: "on", INTAKE_REQUESTS_GLOBAL_PER_MINUTE: "2" });
    for (let i = 0; i < 25; i++) expect((await post(app, "/request", REQUEST)).statusCode).toBe(400); // token, no solution
    const solved = async () => {
      const token = (await fetchToken(app, "/request"))!;
      return post(app, "/request", { ...REQUEST, form_token: token, pow_nonce: solveToken(token) });
    };
    expect((await solved()).statusCode).toBe(201);
    expect((await solved()).statusCode).toBe(201);
    const third = await solved();
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain(CATALOGS.ru.problem.tooManyTitle);
  });
});

describe("point 15: posts from another site", () => {
  it("a hostile page cannot make its visitors' browsers post requests, even with a valid token it fetched", async () => {
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off" });
    const before = await caseCount(ctx);
    const hostile: Record<string, string>[] = [{ "sec-fetch-site": "cross-site", origin: "null" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, { origin: "http://localhost.evil.example" }];
    for (const headers of hostile) {
      const r = await post(app, "/request", REQUEST, { headers });
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.body).toContain(CATALOGS.ru.problem.crossSite);
    }
    expect(await caseCount(ctx)).toBe(before);
    // Our own pages: Sec-Fetch-Site same-origin (Origin is "null" under Referrer-Policy no-referrer), or our Origin.
    expect((await post(app, "/request", REQUEST, { headers: SAME_ORIGIN })).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, { headers: { origin: "http://localhost:80" } })).statusCode).toBe(201);
    // An old browser that sends neither header: the token alone decides.
    expect((await post(app, "/request", REQUEST)).statusCode).toBe(201);
    expect((await post(app, "/request", REQUEST, { token: false })).statusCode).toBe(400);
    expect(await caseCount(ctx)).toBe(before + 3);
  });

  it("a hostile page cannot sign an applicant into the attacker's case (login CSRF on /return)", async () => {
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off" });
    const attackers = receiptCodeOf(await post(app, "/request", { message: "Дело злоумышленника" }, { headers: SAME_ORIGIN }));
    const csrf = await post(app, "/return", { code: attackers }, { headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" } });
    expect(csrf.statusCode).toBe(403);
    expect(csrf.headers["set-cookie"]).toBeUndefined();
    const viaOrigin = await post(app, "/return", { code: attackers }, { headers: { origin: "https://evil.example" } });
    expect(viaOrigin.statusCode).toBe(403);
    expect(viaOrigin.headers["set-cookie"]).toBeUndefined();
    // The same code typed on our own page opens the case.
    expect((await post(app, "/return", { code: attackers }, { headers: SAME_ORIGIN })).statusCode).toBe(303);
  });

  it("replies and leaving need a token bound to the applicant's own session", async () => {
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off" });
    const mine = await post(app, "/request", { message: "Моя заявка" }, { headers: SAME_ORIGIN });
    const cookie = applicantCookie(mine)!;
    const other = applicantCookie(await post(app, "/request", { message: "Чужая" }, { headers: SAME_ORIGIN }))!;
    const othersToken = (await fetchToken(app, "/return/reply", other))!;
    const countMessages = async () => Number((await ctx.database.executeSql("SELECT count(*)::int AS n FROM messages")).rows[0]!.n);
    const before = await countMessages();
    expect((await post(app, "/return/reply", { message: "Подложное" }, { cookie, headers: { "sec-fetch-site": "cross-site" } })).statusCode).toBe(403);
    expect((await post(app, "/return/reply", { message: "Подложное" }, { cookie, token: false })).statusCode).toBe(400);
    expect((await post(app, "/return/reply", { message: "Подложное", form_token: othersToken }, { cookie })).statusCode).toBe(400);
    expect(await countMessages()).toBe(before);
    expect((await post(app, "/return/leave", { form_token: othersToken.replace(/^m\./, "l.") }, { cookie })).statusCode).toBe(400);
    expect((await post(app, "/return/reply", { message: "Настоящий ответ" }, { cookie })).statusCode).toBe(303);
    expect(await countMessages()).toBe(before + 1);
  });
});

describe("point 18: spent proofs of work live in the database", () => {
  it("a solution spent on one instance cannot be replayed after a restart or on a second instance", async () => {
    const env = { ...TEST_POW_ENV, INTAKE_FLOOD_MODE: "on" };
    const first = await publicApp("", env);
    const token = (await fetchToken(first, "/return"))!;
    const nonce = solveToken(token);
    const spent = await post(first, "/return", { code: "1234 5678 9012 3456", form_token: token, pow_nonce: nonce });
    expect(spent.statusCode).toBe(401); // paid, then the (wrong) code
    await first.close();
    const restarted = await publicApp("", env);
    const second = await publicApp("", env);
    for (const app of [restarted, second]) {
      const replay = await post(app, "/return", { code: "1234 5678 9012 3457", form_token: token, pow_nonce: nonce });
      expect(replay.statusCode).toBe(400);
      expect(replay.body).toContain(CATALOGS.ru.errors.pow);
    }
  });

  it("expired rows are removed as new ones come in", async () => {
    const old = Buffer.alloc(16, 0xee);
    await ctx.db.insert(intakeSpentTokens).values({ id: old, expiresAt: new Date(Date.now() - 60_000) });
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off" });
    expect((await post(app, "/request", REQUEST)).statusCode).toBe(201);
    const rows = await ctx.db.select().from(intakeSpentTokens);
    expect(rows.some((r) => r.id.equals(old))).toBe(false);
    expect(rows.every((r) => r.expiresAt.getTime() > Date.now())).toBe(true);
  });
});

describe("first use: a reload of the receipt page", () => {
  it("the same post twice, one after the other or at once, opens one case; the second says 'already sent'", async () => {
    const app = await publicApp("", { INTAKE_FLOOD_MODE: "off" });
    const before = await caseCount(ctx);
    const body = { ...REQUEST, form_token: (await fetchToken(app, "/request"))! };
    const first = await post(app, "/request", body);
    expect(first.statusCode).toBe(201);
    const reload = await post(app, "/request", body);
    expect(reload.statusCode).toBe(409);
    expect(reload.body).toContain(CATALOGS.ru.already.title);
    expect(reload.body).not.toContain(receiptCodeOf(first));
    expect(await caseCount(ctx)).toBe(before + 1);

    const twin = { ...REQUEST, form_token: (await fetchToken(app, "/request?lang=uk"))! };
    const both = await Promise.all([post(app, "/request?lang=uk", twin), post(app, "/request?lang=uk", twin)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.body).toContain(CATALOGS.uk.already.text);
    expect(await caseCount(ctx)).toBe(before + 2);
  });
});
