import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { cases } from "../../../src/server/db/schema.js";
import { applicantCookie, get, latestCaseId, post, receiptCodeOf, withoutNonces } from "../intake/helpers.js";
import { runRetention } from "../../../src/server/retention/index.js";
import { caseIdOf, channelHarness, drain, postUpdate, update, type Harness } from "../channels/support/harness.js";
import { handOver, reviewAs } from "./support.js";

/**
 * Point 6 of issue 11: the applicant never learns the verdict. Two requests go through the same
 * steps, except that one is rejected by two verifiers while the other still waits for its second
 * review; everything the applicant gets back (his `/return` page, the bot's answers) must be the
 * same bytes. Normalised, because they must differ whatever the verdict: the CSP nonce and the
 * form tokens of the page (withoutNonces), the Telegram chat id the bot writes to, and the texts
 * staff wrote (here the operator's replies, which name each man's case).
 */
let h: Harness<"ver1" | "ver2">;
beforeAll(async () => {
  h = await channelHarness({}, { ver1: "verifier", ver2: "verifier" });
}, 300_000);
afterAll(async () => h?.cleanup());

const stateOf = async (id: string) => (await h.ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id)))[0]!.state;

/** The same path for both: an answer from the operator, the hand-over, the first review (rejected). */
async function throughVerification(caseId: string, reply: string) {
  expect((await h.op.request("POST", `/api/cases/${caseId}/replies`, { text: reply })).statusCode).toBe(201);
  await handOver(h.op, caseId);
  expect((await reviewAs(h.people.ver1, caseId, "rejected", "fake")).json()).toEqual({ stage: "second" });
}

let canned: string | undefined;
/**
 * After the verdict the verification team passes the case back to the operator, who answers
 * him in his own words and with a canned reply for a stalled conversation.
 */
async function answerAfterVerdict(caseId: string, text: string) {
  canned ??= ((await h.op.request("GET", "/api/canned-replies")).json() as { body: string }[])[0]!.body;
  const back = await h.people.ver1.request("POST", `/api/cases/${caseId}/assign`, { userId: h.op.userId });
  expect(back.statusCode, back.body).toBe(204);
  for (const t of [text, canned]) {
    const r = await h.op.request("POST", `/api/cases/${caseId}/replies`, { text: t });
    expect(r.statusCode, r.body).toBe(201);
  }
}
const escapeHtml = (t: string) => t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");

/**
 * His /return page as the verdict must leave it: status 200, the staff texts he was sent all
 * there (escaped as the page shows them), then masked (nonces, tokens, the texts that name each
 * man's case), so two men's pages can be compared byte for byte.
 */
async function maskedPage(cookie: string, staffTexts: string[], shown: string[] = []) {
  const r = await get(h.pub, "/return", { cookie });
  expect(r.statusCode).toBe(200);
  for (const text of [...staffTexts, ...shown]) expect(r.body).toContain(escapeHtml(text));
  return staffTexts.reduce((body, text) => body.replace(escapeHtml(text), "STAFF TEXT"), withoutNonces(r.body));
}

/** The second review of the one to reject; the other stays waiting for his. */
async function rejectOne(rejected: string, waiting: string) {
  expect((await reviewAs(h.people.ver2, rejected, "rejected", "fake")).json()).toEqual({ stage: "decided" });
  expect([await stateOf(rejected), await stateOf(waiting)]).toEqual(["rejected", "verifying"]);
}

describe("the applicant cannot tell a rejected case from one in verification", { timeout: 300_000 }, () => {
  it("the /return page is the same bytes", async () => {
    const sent: { caseId: string; cookie: string }[] = [];
    for (const n of [1, 2]) {
      const r = await post(h.pub, "/request", { name: "Петров Пётр", message: "Хочу сдаться" });
      expect(r.statusCode).toBe(201);
      sent.push({ caseId: await latestCaseId(h.ctx), cookie: applicantCookie(r)! });
      await throughVerification(sent.at(-1)!.caseId, `Ответ по делу ${n}`);
    }
    const [a, b] = sent as [(typeof sent)[0], (typeof sent)[0]];
    await rejectOne(a.caseId, b.caseId);
    expect(await maskedPage(a.cookie, ["Ответ по делу 1"])).toBe(await maskedPage(b.cookie, ["Ответ по делу 2"]));
  });

  it("the bot answers the same", async () => {
    const ids = [700900001, 700900002];
    for (const [i, id] of ids.entries()) {
      expect((await postUpdate(h, update(id, { text: "/start" }))).statusCode).toBe(200);
      expect((await postUpdate(h, update(id, { text: "Хочу сдаться" }))).statusCode).toBe(200);
      await drain(h);
      await throughVerification((await caseIdOf(h, "telegram_id", String(id)))[0]!, `Ответ в боте ${i + 1}`);
    }
    const [a, b] = [(await caseIdOf(h, "telegram_id", String(ids[0])))[0]!, (await caseIdOf(h, "telegram_id", String(ids[1])))[0]!];
    await rejectOne(a, b);
    await drain(h);
    // What each man gets from now on, whatever he writes.
    const answers = async (id: number) => {
      const from = h.api.calls.length;
      for (const text of ["Когда?", "/start", "/help", "Вы тут?"]) {
        expect((await postUpdate(h, update(id, { text }))).statusCode).toBe(200);
        await drain(h);
      }
      return JSON.stringify(h.api.calls.slice(from).map((c) => ({ path: c.path, body: c.body }))).replaceAll(String(id), "CHAT");
    };
    const [ra, rb] = [await answers(ids[0]!), await answers(ids[1]!)];
    expect(ra).toBe(rb);
    expect(ra).not.toBe("[]");
  });
  it("staff still answer a rejected case, a canned reply too, and his /return page stays the same as in verification", async () => {
    const sent: { caseId: string; cookie: string }[] = [];
    for (const n of [3, 4]) {
      const r = await post(h.pub, "/request", { name: "Сидоров Олег", message: "Хочу сдаться" });
      expect(r.statusCode).toBe(201);
      sent.push({ caseId: await latestCaseId(h.ctx), cookie: applicantCookie(r)! });
      await throughVerification(sent.at(-1)!.caseId, `Ответ по делу ${n}`);
    }
    const [a, b] = sent as [(typeof sent)[0], (typeof sent)[0]];
    await rejectOne(a.caseId, b.caseId);
    for (const [i, s] of [a, b].entries()) await answerAfterVerdict(s.caseId, `Ещё ответ ${i + 3}`);
    const page = (s: typeof a, n: number) => maskedPage(s.cookie, [`Ответ по делу ${n}`, `Ещё ответ ${n}`], [canned!]);
    expect(await page(a, 3)).toBe(await page(b, 4));
  });

  it("staff still answer a rejected case in the bot, and the bot's answers stay the same as in verification", async () => {
    const ids = [700900003, 700900004];
    for (const [i, id] of ids.entries()) {
      expect((await postUpdate(h, update(id, { text: "/start" }))).statusCode).toBe(200);
      expect((await postUpdate(h, update(id, { text: "Хочу сдаться" }))).statusCode).toBe(200);
      await drain(h);
      await throughVerification((await caseIdOf(h, "telegram_id", String(id)))[0]!, `Ответ в боте ${i + 3}`);
    }
    const [a, b] = [(await caseIdOf(h, "telegram_id", String(ids[0])))[0]!, (await caseIdOf(h, "telegram_id", String(ids[1])))[0]!];
    await rejectOne(a, b);
    await drain(h);
    const delivered = async (caseId: string, id: number, n: number) => {
      const from = h.api.calls.length;
      await answerAfterVerdict(caseId, `Ещё ответ в боте ${n}`);
      await drain(h);
      for (const text of ["Когда?", "/start"]) {
        expect((await postUpdate(h, update(id, { text }))).statusCode).toBe(200);
        await drain(h);
      }
      const calls = JSON.stringify(h.api.calls.slice(from).map((c) => ({ path: c.path, body: c.body })));
      for (const text of [`Ещё ответ в боте ${n}`, canned!]) expect(calls).toContain(JSON.stringify(text).slice(1, -1));
      return calls.replaceAll(String(id), "CHAT").replaceAll(`Ещё ответ в боте ${n}`, "STAFF TEXT");
    };
    expect(await delivered(a, ids[0]!, 3)).toBe(await delivered(b, ids[1]!, 4));
  });
  it("after the retention purge (a rejected request at 90 days) his code, his page and the bot answer as for any purged request: as a wrong code, as a new contact", async () => {
    const sent: { caseId: string; cookie: string; code: string }[] = [];
    for (const n of [5, 6]) {
      const r = await post(h.pub, "/request", { name: "Коваль Степан", message: "Хочу сдаться" });
      expect(r.statusCode).toBe(201);
      sent.push({ caseId: await latestCaseId(h.ctx), cookie: applicantCookie(r)!, code: receiptCodeOf(r) });
      await throughVerification(sent.at(-1)!.caseId, `Ответ по делу ${n}`);
    }
    const [a, b] = sent as [(typeof sent)[0], (typeof sent)[0]];
    await rejectOne(a.caseId, b.caseId);
    const ids = [700900005, 700900006] as const;
    for (const [i, id] of ids.entries()) {
      expect((await postUpdate(h, update(id, { text: "/start" }, "message", h.clock.now()))).statusCode).toBe(200);
      expect((await postUpdate(h, update(id, { text: "Хочу сдаться" }, "message", h.clock.now()))).statusCode).toBe(200);
      await drain(h);
      await throughVerification((await caseIdOf(h, "telegram_id", String(id)))[0]!, `Ответ в боте ${i + 5}`);
    }
    await rejectOne((await caseIdOf(h, "telegram_id", String(ids[0])))[0]!, (await caseIdOf(h, "telegram_id", String(ids[1])))[0]!);
    await drain(h);

    /** What a code brings back: the status and the page, masked. */
    const withCode = async (code: string) => {
      const r = await post(h.pub, "/return", { code });
      return { status: r.statusCode, page: r.statusCode === 303 ? r.headers.location : withoutNonces(r.body) };
    };
    // A well-formed code that no request has: one digit off his.
    const wrong = a.code.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
    expect((await withCode(wrong)).status).toBe(401);
    // The control: before the purge both codes open their case.
    for (const s of [a, b]) expect((await withCode(s.code)).status).toBe(303);
    const exists = async (id: string) => (await h.ctx.db.select({ id: cases.id }).from(cases).where(eq(cases.id, id))).length === 1;

    // 91 days on, the daily job purges the rejected request; the one in verification stays (180 days without contact).
    h.clock.tick(91 * 86_400_000);
    await runRetention(h.ctx, { dryRun: false });
    expect([await exists(a.caseId), await exists(b.caseId)]).toEqual([false, true]);
    // His code answers as a wrong code does; his old page as any ended session's (the other man's, on a case that lives).
    expect(await withCode(a.code)).toEqual(await withCode(wrong));
    expect(await maskedPage(a.cookie, [])).toBe(await maskedPage(b.cookie, []));

    // 90 more, and the request in verification goes too, by the rule for a request nobody wrote on: the same answers.
    h.clock.tick(90 * 86_400_000);
    await runRetention(h.ctx, { dryRun: false });
    expect(await exists(b.caseId)).toBe(false);
    expect(await withCode(b.code)).toEqual(await withCode(a.code));
    expect(await withCode(b.code)).toEqual(await withCode(wrong));
    expect(await maskedPage(b.cookie, [])).toBe(await maskedPage(a.cookie, []));

    // In the bot, the rejected man and the one purged from verification are each a new contact, answered alike.
    for (const id of ids) expect(await caseIdOf(h, "telegram_id", String(id))).toEqual([]);
    const answers = async (id: number) => {
      const from = h.api.calls.length;
      for (const text of ["Я снова тут", "/start", "Вы тут?"]) {
        expect((await postUpdate(h, update(id, { text }, "message", h.clock.now()))).statusCode).toBe(200);
        await drain(h);
      }
      return JSON.stringify(h.api.calls.slice(from).map((c) => ({ path: c.path, body: c.body }))).replaceAll(String(id), "CHAT");
    };
    const [ra, rb] = [await answers(ids[0]), await answers(ids[1])];
    expect(ra).not.toBe("[]");
    expect(ra).toBe(rb);
  });
});
