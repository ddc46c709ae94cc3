import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { messages } from "../../../src/server/db/schema.js";
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { THREAD_PAGE_SIZE } from "../../../src/server/intake/applicant-thread.js";
import { applicantCookie, get, latestCaseId, post, receiptCodeOf } from "../intake/helpers.js";

/**
 * Issue 17: the applicant's conversation is read one page (the newest 50) per request, with links
 * to older pages, so a long thread never makes one request decrypt it all; and his reply form
 * refuses a foreign Origin whatever SameSite does.
 */
let ctx: AppContext;
let app: BaseApp;
let store: StaffedStore<"op1">;
let cookie: string;
let caseId: string;
const TOTAL = 2 * THREAD_PAGE_SIZE + 7;

const bodies = (html: string) => [...html.matchAll(/<li class="msg (?:in|out)">.*?<\/p><p>(.*?)<\/p><\/li>/gs)].map((m) => m[1]!);

beforeAll(async () => {
  store = await staffedStore({ publicApp: true, staff: { op1: "operator" } });
  ctx = store.ctx;
  app = store.publicApp!;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
  const r = await post(app, "/request", { name: "Петров Пётр", message: "сообщение 0" });
  expect(r.statusCode).toBe(201);
  receiptCodeOf(r);
  cookie = applicantCookie(r)!;
  caseId = await latestCaseId(ctx);
  for (let i = 1; i < TOTAL; i++) expect((await store.staff.op1.request("POST", `/api/cases/${caseId}/replies`, { text: `сообщение ${i}` })).statusCode).toBe(201);
}, 120_000);
afterAll(async () => store.close());

describe("the conversation in pages", () => {
  it("shows the newest page, then older pages down to the first message, in every language", async () => {
    const seen: string[] = [];
    let url = "/return?lang=uk";
    for (let page = 0; ; page++) {
      const res = await get(app, url, { cookie });
      expect(res.statusCode).toBe(200);
      const shown = bodies(res.body);
      expect(shown.length).toBeLessThanOrEqual(THREAD_PAGE_SIZE);
      seen.unshift(...shown);
      if (page > 0) expect(res.body).toContain(CATALOGS.uk.threadPages.newest);
      const older = /id="older" href="([^"]+)"/.exec(res.body)?.[1];
      if (!older) break;
      expect(res.body).toContain(CATALOGS.uk.threadPages.older);
      url = older.replace(/&amp;/g, "&");
      expect(url).toMatch(/^\/return\?lang=uk&before=\d+$/);
    }
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `сообщение ${i}`));
    for (const lang of ["ru", "en"] as const) {
      const res = await get(app, lang === "ru" ? "/return" : "/return?lang=en", { cookie });
      expect(bodies(res.body)).toEqual(Array.from({ length: THREAD_PAGE_SIZE }, (_, i) => `сообщение ${TOTAL - THREAD_PAGE_SIZE + i}`));
      expect(res.body).toContain(CATALOGS[lang].threadPages.older);
      expect(res.body).not.toContain(CATALOGS[lang].threadPages.newest);
      expect(res.body).not.toContain(CATALOGS[lang].thread.empty); // the hotline has answered
    }
  });

  it("a bad page cursor gets a 400 page, not a 500", async () => {
    for (const before of ["abc", "-1", "0", "1e3", "99999999999999999999", "1&before=2"]) {
      const res = await get(app, `/return?before=${before}`, { cookie });
      expect(res.statusCode, before).toBe(400);
      expect(res.body).toContain(CATALOGS.ru.problem.badFormTitle);
    }
  });

  it("the reply form refuses a foreign Origin and writes nothing", async () => {
    const before = (await ctx.db.select({ id: messages.id }).from(messages).where(eq(messages.caseId, caseId))).length;
    const hostile: Record<string, string>[] = [{ origin: "https://evil.example" }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" }];
    for (const headers of hostile) {
      const res = await post(app, "/return/reply", { message: "подделка" }, { cookie, headers });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(CATALOGS.ru.problem.crossSite);
    }
    expect((await ctx.db.select({ id: messages.id }).from(messages).where(eq(messages.caseId, caseId))).length).toBe(before);
    // The same form from our own page goes through.
    expect((await post(app, "/return/reply", { message: "настоящее" }, { cookie, headers: { "sec-fetch-site": "same-origin" } })).statusCode).toBe(303);
  });
});
