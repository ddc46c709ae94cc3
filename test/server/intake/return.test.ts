import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { auditLog, caseSections, cases } from "../../../src/server/db/schema.js";
import { applicantSessions } from "../../../src/server/intake/tables.js";
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { generateReceiptCode, receiptLookupKey } from "../../../src/server/crypto/receipt.js";
import { encryptJson } from "../../../src/server/crypto/fields.js";
import { wipe } from "../../../src/server/crypto/secure.js";
import { sectionContext } from "../../../src/server/cases/sections.js";
import { APPLICANT_IDLE_MINUTES, resumeApplicantSession } from "../../../src/server/intake/applicant-session.js";
import { applicantCookie, databaseContains, fetchToken, get, latestCaseId, median, post, receiptCodeOf, withoutNonces } from "./helpers.js";

let ctx: AppContext;
let app: BaseApp;
let operator: StaffClient;
let clock: StaffedStore<"op1">["clock"];
let store: StaffedStore<"op1">;

beforeAll(async () => {
  store = await staffedStore({ publicApp: true, staff: { op1: "operator" } });
  ({ ctx, clock } = store);
  app = store.publicApp!;
  operator = store.staff.op1;
  // The admin, custodian of the team keys, admits the operator on his next request.
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
});
afterAll(async () => store.close());

async function submit(message: string, extra: Record<string, string> = {}) {
  const r = await post(app, "/request", { name: "Петров Пётр", message, ...extra });
  expect(r.statusCode).toBe(201);
  return { code: receiptCodeOf(r), cookie: applicantCookie(r)!, caseId: await latestCaseId(ctx) };
}

describe("coming back with the code", () => {
  it("the applicant reads a staff reply, answers, and the operator sees the answer", async () => {
    const { code, caseId } = await submit("Хочу сдаться. CANARY-RET0AA11");
    // Fresh browser: no cookie. He comes back with his code (typed with other separators).
    const back = await post(app, "/return", { code: code.replace(/ /g, "-") });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe("/return");
    const cookie = applicantCookie(back)!;
    expect(cookie).toBeTruthy();
    const [signedIn] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "case.applicant_signed_in"), eq(auditLog.subjectId, caseId)));
    expect(signedIn).toBeDefined();

    let thread = await get(app, "/return", { cookie });
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain(CATALOGS.ru.thread.title);
    expect(thread.body).toContain("Хочу сдаться. CANARY-RET0AA11");
    expect(thread.body).toContain(CATALOGS.ru.thread.empty);
    expect(thread.headers["content-encoding"]).toBeUndefined();

    // The operator replies through the staff API, and writes a note the applicant must never see.
    expect((await operator.request("POST", `/api/cases/${caseId}/replies`, { text: "Мы вас слышим. Ждите инструкций." })).statusCode).toBe(201);
    expect((await operator.request("POST", `/api/cases/${caseId}/notes`, { text: "Внутренняя заметка: проверить часть" })).statusCode).toBe(201);
    thread = await get(app, "/return", { cookie });
    expect(thread.body).toContain("Мы вас слышим. Ждите инструкций.");
    expect(thread.body).toContain(CATALOGS.ru.thread.hotline);
    expect(thread.body).not.toContain("Внутренняя заметка");
    expect(thread.body).not.toContain(CATALOGS.ru.thread.empty);

    // He answers.
    const [before] = await ctx.db.select().from(cases).where(eq(cases.id, caseId));
    const answer = await post(app, "/return/reply", { message: "Понял. Нас будет двое. CANARY-RET0BB22" }, { cookie });
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe("/return?sent=1");
    const after = await get(app, "/return?sent=1", { cookie });
    expect(after.body).toContain(CATALOGS.ru.thread.sent);
    expect(after.body).toContain("Понял. Нас будет двое.");
    const [row] = await ctx.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row!.unreadCount).toBe(before!.unreadCount + 1);
    expect(row!.lastInboundAt!.getTime()).toBeGreaterThanOrEqual(before!.lastInboundAt!.getTime());
    const [replied] = await ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "case.applicant_replied"), eq(auditLog.subjectId, caseId)));
    expect(Object.keys(replied!.details).sort()).toEqual(["channel", "message"]);
    expect(await databaseContains(ctx, "CANARY-RET0BB22")).toEqual([]);

    // The operator sees it, in order.
    const open = (await operator.request("GET", `/api/cases/${caseId}`)).json();
    expect(open.messages.map((m: { direction: string; body: string }) => [m.direction, m.body])).toEqual([
      ["in", "Хочу сдаться. CANARY-RET0AA11"],
      ["out", "Мы вас слышим. Ждите инструкций."],
      ["note", "Внутренняя заметка: проверить часть"],
      ["in", "Понял. Нас будет двое. CANARY-RET0BB22"],
    ]);

    // An empty answer is refused with a message; nothing is stored.
    const empty = await post(app, "/return/reply", { message: "   " }, { cookie });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain(CATALOGS.ru.errors.messageEmpty);
  });

  it("a scheduled rendezvous shows its time, place and signals, and nothing else of that section", async () => {
    const { cookie, caseId } = await submit("Когда встреча?");
    // Written as the coordinators' capability would: under the case key (reached here through the session).
    const [session] = await ctx.db.select().from(applicantSessions).where(eq(applicantSessions.caseId, caseId));
    expect(session).toBeDefined();
    const s = (await resumeApplicantSession(ctx, cookie))!;
    await ctx.db.insert(caseSections).values({
      caseId,
      section: "rendezvous",
      ciphertext: encryptJson(s.caseKey, sectionContext(caseId, "rendezvous"), { when: "завтра, 05:30", where: "лесополоса у отметки 112", signals: "белая повязка на левой руке", coordinates: "47.1234, 35.5678" }),
    });
    let page = await get(app, "/return", { cookie });
    expect(page.body).not.toContain("лесополоса"); // not before the case is scheduled
    await ctx.db.update(cases).set({ state: "scheduled" }).where(eq(cases.id, caseId));
    page = await get(app, "/return", { cookie });
    expect(page.body).toContain(CATALOGS.ru.thread.rendezvousTitle);
    expect(page.body).toContain("завтра, 05:30");
    expect(page.body).toContain("лесополоса у отметки 112");
    expect(page.body).toContain("белая повязка на левой руке");
    expect(page.body).not.toContain("47.1234");
    wipe(s.caseKey);
  });

  it("a wrong code and an unknown code get the same status, the same page and the same time", async () => {
    const known = await submit("Проверка кода");
    // A wrong code that does find a row: give a second case the lookup value of a code we hold.
    const target = await submit("Другая заявка");
    const wrong = generateReceiptCode();
    await ctx.db.update(cases).set({ receiptLookup: receiptLookupKey(wrong, ctx.keys.subkey("index")) }).where(eq(cases.id, target.caseId));
    // A typo of a real code, and codes nobody was ever given.
    const typo = known.code.slice(0, -1) + String((Number(known.code.at(-1)) + 1) % 10);
    const unknown = () => generateReceiptCode();

    const first = { wrong: await post(app, "/return", { code: wrong }), typo: await post(app, "/return", { code: typo }), unknown: await post(app, "/return", { code: unknown() }) };
    for (const r of Object.values(first)) {
      expect(r.statusCode).toBe(401);
      expect(r.headers["set-cookie"]).toBeUndefined();
      expect(r.body).toContain(CATALOGS.ru.ret.wrong);
    }
    expect(withoutNonces(first.wrong.body)).toBe(withoutNonces(first.unknown.body));
    expect(withoutNonces(first.typo.body)).toBe(withoutNonces(first.unknown.body));
    expect(first.wrong.headers["content-length"]).toBe(first.unknown.headers["content-length"]);

    // Timing: interleaved, 15 of each (more would pass the sixty posts a minute that switch the proof of work on); Argon2id dominates both paths. Compared pair by pair (the
    // median of each pair's ratio), so that the other test file running beside this one on the
    // two cores slows both of a pair alike instead of tipping one median (1.41 against 1.4, once).
    const times = { wrong: [] as number[], unknown: [] as number[] };
    const timed = async (code: string) => {
      const t0 = performance.now();
      const r = await post(app, "/return", { code });
      expect(r.statusCode).toBe(401);
      return performance.now() - t0;
    };
    for (let i = 0; i < 15; i++) {
      // Which goes first alternates, so that neither always runs on a warmer path.
      if (i % 2 === 0) times.wrong.push(await timed(wrong));
      times.unknown.push(await timed(unknown()));
      if (i % 2 === 1) times.wrong.push(await timed(wrong));
    }
    const ratio = median(times.wrong.map((w, i) => w / times.unknown[i]!));
    expect(ratio, `wrong ${median(times.wrong).toFixed(1)} ms vs unknown ${median(times.unknown).toFixed(1)} ms`).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.4);
    // Both really paid for an Argon2id verification (16 MiB, one pass: 8 ms or more on any
    // machine; answering a malformed code takes about a millisecond).
    expect(median(times.unknown)).toBeGreaterThan(5);

    // A malformed code is told so at once: its shape is public, so that says nothing.
    const malformed = await post(app, "/return", { code: "1234 5678" });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain(CATALOGS.ru.ret.malformed);
    // The code he typed is never written back into the page.
    expect(first.typo.body).not.toContain(typo);
  });

  it("the seven-word code works in Latin or in Cyrillic letters", async () => {
    const r = await post(app, "/request", { message: "Слова", receipt: "words" });
    const words = receiptCodeOf(r);
    const cyrillic = /<p>[^<]*: ([а-яё ]+)\.<\/p>/.exec(r.body)![1]!;
    expect(cyrillic.split(" ")).toHaveLength(7);
    expect((await post(app, "/return", { code: words.toUpperCase() })).statusCode).toBe(303);
    expect((await post(app, "/return", { code: cyrillic })).statusCode).toBe(303);
  });

  it("guessing is rate-limited per client, with a page in his language", async () => {
    // A client is his form token: behind an onion service or a proxy every client has one address.
    const address = "10.250.0.9";
    const token = (await fetchToken(app, "/return?lang=uk"))!;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(app, "/return?lang=uk", { form_token: token, code: "0000" }, { address })).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    const limited = await post(app, "/return?lang=uk", { form_token: token, code: "0000" }, { address });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(limited.body).toContain(CATALOGS.uk.problem.tooManyTitle);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Another client still gets through, from the same address.
    expect((await post(app, "/return", { code: "0000" }, { address })).statusCode).toBe(400);
  });

  it("'leave' deletes the session row and clears the cookie; the old cookie opens nothing", async () => {
    const { cookie, caseId } = await submit("Выход");
    expect((await get(app, "/return", { cookie })).body).toContain(CATALOGS.ru.thread.title);
    const left = await post(app, "/return/leave", {}, { cookie });
    expect(left.statusCode).toBe(200);
    expect(left.body).toContain(CATALOGS.ru.thread.left);
    const cleared = left.cookies.find((c) => c.name === "sp_applicant")!;
    expect(cleared.value).toBe("");
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());
    expect(left.headers["clear-site-data"]).toBe('"cache", "cookies", "storage"');
    expect(await ctx.db.select().from(applicantSessions).where(eq(applicantSessions.caseId, caseId))).toEqual([]);
    const again = await get(app, "/return", { cookie });
    expect(again.body).not.toContain(CATALOGS.ru.thread.title);
    expect(again.body).toContain(CATALOGS.ru.ret.expired);
  });

  it("a reply typed after the session ended is not lost: the code form keeps it, and the code sends it", async () => {
    const { code, cookie, caseId } = await submit("Первое сообщение");
    await post(app, "/return/leave", {}, { cookie });
    const stale = await post(app, "/return/reply", { message: "Неотправленное сообщение" }, { cookie });
    expect(stale.statusCode).toBe(401);
    expect(stale.body).toContain(">Неотправленное сообщение</textarea>");
    expect(stale.body).toContain(CATALOGS.ru.ret.pending);
    const back = await post(app, "/return", { code, message: "Неотправленное сообщение" });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe("/return?sent=1");
    const open = (await operator.request("GET", `/api/cases/${caseId}`)).json();
    expect(open.messages.map((m: { body: string }) => m.body)).toEqual(["Первое сообщение", "Неотправленное сообщение"]);
  });

  it("the session ends by itself after the idle time", async () => {
    const { cookie } = await submit("Бездействие");
    clock.tick((APPLICANT_IDLE_MINUTES + 1) * 60_000);
    const r = await get(app, "/return", { cookie });
    expect(r.body).toContain(CATALOGS.ru.ret.expired);
  });
});
