import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { messages } from "../../../src/server/db/schema.js";
import { channelOutbox } from "../../../src/server/channels/tables.js";
import { deliverDue } from "../../../src/server/channels/outbox/worker.js";
import { caseIdOf, channelHarness, drain, openAsOperator, postUpdate, type Harness } from "./support/harness.js";
import type { Planned } from "./support/recorder.js";

let h: Harness;
let n = 0;

beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

/** A Telegram applicant with a case (his first text), ready to receive replies. */
async function applicant(id: number): Promise<string> {
  n++;
  const r = await postUpdate(h, { update_id: 800000000 + n, message: { message_id: n, from: { id, is_bot: false, first_name: "Т" }, chat: { id, type: "private" }, date: 1692806400, text: "помогите" } });
  expect(r.statusCode).toBe(200);
  return (await caseIdOf(h, "telegram_id", String(id)))[0]!;
}

async function reply(caseId: string, text: string): Promise<string> {
  const r = await h.op.request("POST", `/api/cases/${caseId}/replies`, { text });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

const toChat = (chatId: number) => (r: { path: string; body: Record<string, unknown> | null }) => r.path.endsWith("/sendMessage") && r.body?.chat_id === chatId;
const sendMessage = (r: { path: string }) => r.path.endsWith("/sendMessage");
const deliveredTo = (chatId: number) => h.api.delivered().filter((c) => c.body?.chat_id === chatId).map((c) => c.body?.text);
const outboxRow = async (messageId: string) => (await h.ctx.db.select().from(channelOutbox).where(eq(channelOutbox.messageId, messageId)))[0]!;
const stateOf = async (messageId: string) => (await h.ctx.db.select({ s: messages.deliveryState }).from(messages).where(eq(messages.id, messageId)))[0]!.s;

describe("outbox: nothing lost, nothing sent twice", () => {
  it("retries through 500, a dropped connection, a 429 with retry_after and a 502, in order, each reply once", async () => {
    const chat = 700200001;
    const caseId = await applicant(chat);
    await drain(h);
    const ids = [await reply(caseId, "первый"), await reply(caseId, "второй"), await reply(caseId, "третий")];
    const plan: Planned[] = [
      { match: toChat(chat), status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error" } },
      { match: toChat(chat), drop: true },
      { match: toChat(chat), status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } } },
      { match: toChat(chat), status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } },
    ];
    h.api.failNext(...plan);
    const calls = () => h.api.calls.filter(sendMessage).length;
    const before = calls();

    expect(await deliverDue(h.ctx)).toBe(1); // only the first reply of the chat: the others wait their turn
    expect(await stateOf(ids[0]!)).toBe("retrying");
    expect(await stateOf(ids[1]!)).toBe("queued");
    expect((await outboxRow(ids[0]!)).lastErrorCode).toBe("telegram_500");
    h.clock.tick(5_000);
    expect(await deliverDue(h.ctx)).toBe(1);
    expect((await outboxRow(ids[0]!)).lastErrorCode).toBe("network");
    h.clock.tick(10_000);
    expect(await deliverDue(h.ctx)).toBe(1);
    const limited = await outboxRow(ids[0]!);
    expect([limited.state, limited.lastErrorCode, limited.nextAttemptAt.getTime() - h.clock.now().getTime()]).toEqual(["retrying", "telegram_429", 3000]);
    h.clock.tick(2_999);
    expect(await deliverDue(h.ctx)).toBe(0); // Telegram said three seconds: not a moment earlier
    h.clock.tick(2);
    expect(await deliverDue(h.ctx)).toBe(1);
    expect(calls() - before).toBe(4);
    await drain(h);

    expect(deliveredTo(chat)).toEqual(["первый", "второй", "третий"]);
    const row = await outboxRow(ids[0]!);
    expect([row.state, row.attempts, row.lastErrorCode, row.payload]).toEqual(["sent", 5, null, null]);
    const thread = (await openAsOperator(h, caseId)).messages.filter((m) => m.direction === "out");
    expect(thread.map((m) => m.deliveryState)).toEqual(["sent", "sent", "sent"]);
  });

  it("marks a permanent refusal (bot blocked: 403) failed at once, wipes it, and lets the next reply through; a retry sends it", async () => {
    const chat = 700200002;
    const caseId = await applicant(chat);
    await drain(h);
    h.api.failNext({ match: toChat(chat), status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } });
    const first = await reply(caseId, "заблокирован?");
    const second = await reply(caseId, "снова здесь");
    await drain(h);
    const row = await outboxRow(first);
    expect([row.state, row.attempts, row.lastErrorCode, row.payload]).toEqual(["failed", 1, "telegram_403", null]);
    expect(await stateOf(first)).toBe("failed");
    expect(deliveredTo(chat)).toEqual(["снова здесь"]);
    expect(await stateOf(second)).toBe("sent");
    const deliveries = (await h.op.request("GET", `/api/channels/deliveries?caseId=${caseId}`)).json();
    expect(deliveries.find((d: { messageId: string }) => d.messageId === first)).toMatchObject({ state: "failed", lastErrorCode: "telegram_403" });
    // The operator sends it again: the text comes back from the thread under his case key.
    expect((await h.op.request("POST", `/api/channels/deliveries/${first}/retry`, { caseId })).statusCode).toBe(202);
    await drain(h);
    expect(deliveredTo(chat)).toEqual(["снова здесь", "заблокирован?"]);
    expect(await stateOf(first)).toBe("sent");
  });

  it("gives up after the configured number of attempts, visibly", async () => {
    const chat = 700200003;
    const caseId = await applicant(chat);
    await drain(h);
    const saved = h.ctx.config.channelMaxAttempts;
    h.ctx.config.channelMaxAttempts = 3;
    try {
      h.api.failNext(...Array.from({ length: 3 }, () => ({ match: toChat(chat), status: 500, body: { ok: false, error_code: 500, description: "x" } })));
      const id = await reply(caseId, "не дойдёт");
      await drain(h);
      expect([(await outboxRow(id)).state, (await outboxRow(id)).attempts, await stateOf(id)]).toEqual(["failed", 3, "failed"]);
    } finally {
      h.ctx.config.channelMaxAttempts = saved;
    }
  });

  it("under random failures, every reply of every chat arrives exactly once and in order", async () => {
    const chats = [700200011, 700200012, 700200013];
    const cases = await Promise.all(chats.map(applicant));
    await drain(h);
    const sent: Record<number, string[]> = {};
    for (let i = 0; i < 10; i++) {
      for (const [k, chat] of chats.entries()) {
        const text = `ответ ${i} в чат ${k}`;
        (sent[chat] ??= []).push(text);
        await reply(cases[k]!, text);
      }
    }
    const faults: Planned[] = [];
    for (let i = 0; i < 40; i++) {
      const kind = i % 3;
      faults.push(
        kind === 0
          ? { match: sendMessage, status: 500, body: { ok: false, error_code: 500, description: "x" } }
          : kind === 1
            ? { match: sendMessage, status: 429, body: { ok: false, error_code: 429, description: "slow down", parameters: { retry_after: 1 } } }
            : { match: sendMessage, drop: true },
      );
    }
    h.api.failNext(...faults);
    await drain(h, 1000);
    for (const chat of chats) expect(deliveredTo(chat)).toEqual(sent[chat]);
  });

  it("several workers at once never send a row twice", async () => {
    const chats = Array.from({ length: 12 }, (_, i) => 700200100 + i);
    const cases = await Promise.all(chats.map(applicant));
    await drain(h);
    for (const [i, c] of cases.entries()) await reply(c, `параллельно ${i}`);
    await Promise.all([deliverDue(h.ctx), deliverDue(h.ctx), deliverDue(h.ctx), deliverDue(h.ctx)]);
    await drain(h);
    for (const [i, chat] of chats.entries()) expect(deliveredTo(chat)).toEqual([`параллельно ${i}`]);
  });

  it("sends a reply longer than a messenger takes as several messages, in order, cut at word breaks", async () => {
    const chat = 700200300;
    const caseId = await applicant(chat);
    await drain(h);
    const paragraph = "Инструкция: выходите к точке на рассвете, двигайтесь шагом за дроном. 🙂 ".repeat(60);
    const text = `${paragraph}\n${paragraph}`.trim();
    expect(text.length).toBeGreaterThan(8192);
    const id = await reply(caseId, text);
    h.api.failNext({ match: toChat(chat), status: 500, body: { ok: false, error_code: 500, description: "x" } });
    await deliverDue(h.ctx);
    expect(await stateOf(id)).toBe("retrying");
    await drain(h);
    const parts = deliveredTo(chat) as string[];
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= 4096 && !/\uD83D$/.test(p))).toBe(true);
    expect(parts.join(" ").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
    expect(await stateOf(id)).toBe("sent");
  });

  it("a row left 'sending' by a worker that died is sent again once its lease runs out", async () => {
    const chat = 700200200;
    const caseId = await applicant(chat);
    await drain(h);
    const id = await reply(caseId, "после сбоя");
    // What a worker killed in the middle of the call leaves behind: claimed, leased, never recorded.
    await h.ctx.db
      .update(channelOutbox)
      .set({ state: "sending", attempts: 1, nextAttemptAt: new Date(h.clock.now().getTime() + 120_000) })
      .where(eq(channelOutbox.messageId, id));
    expect(await deliverDue(h.ctx)).toBe(0);
    h.clock.tick(120_001);
    expect(await deliverDue(h.ctx)).toBe(1);
    expect(deliveredTo(chat)).toEqual(["после сбоя"]);
    const row = await outboxRow(id);
    expect([row.state, row.attempts]).toEqual(["sent", 2]);
    const left = await h.ctx.db.select().from(channelOutbox).where(inArray(channelOutbox.state, ["queued", "retrying", "sending"]));
    expect(left).toEqual([]);
  });
});
