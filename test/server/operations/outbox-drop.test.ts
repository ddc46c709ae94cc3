import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { RecordingApi } from "../channels/support/recorder.js";
import { channelEnv, WEBHOOK_SECRET } from "../channels/support/harness.js";
import { deliverDue } from "../../../src/server/channels/outbox/worker.js";
import { channelOutbox } from "../../../src/server/channels/tables.js";
import { releaseDueReminders } from "../../../src/server/operations/run.js";
import { operationCases } from "../../../src/server/operations/tables.js";
import { PLANTED, planBody, stateOf, verifiedCase } from "./support.js";

let api: RecordingApi;
let s: StaffedStore<"op1" | "coord1">;
let caseId: string;
const TG_CHAT = 7391847123;
const flush = async () => {
  while ((await deliverDue(s.ctx)) > 0);
};
const tgTexts = () => api.telegram("sendMessage").map((c) => String(c.body?.text ?? ""));

beforeAll(async () => {
  api = await new RecordingApi().start();
  s = await staffedStore({ env: channelEnv(api.url), publicApp: true, staff: { op1: "operator", coord1: "coordinator" } });
  await s.admin.request("GET", "/api/auth/session");
  const from = { id: TG_CHAT, is_bot: false, first_name: "Павел", language_code: "ru" };
  const update = { update_id: 981000001, message: { message_id: 1, from, chat: { id: TG_CHAT, type: "private" }, date: Math.floor(s.clock.now().getTime() / 1000), text: "Хочу сдаться" } };
  const tg = await s.publicApp!.inject({ method: "POST", url: "/channels/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }, payload: JSON.stringify(update) });
  expect(tg.statusCode).toBe(200);
  const latest = String((await s.ctx.database.executeSql("SELECT id FROM cases ORDER BY number DESC LIMIT 1")).rows[0]!.id);
  caseId = await verifiedCase(s.ctx, s.staff.op1, latest);
  await flush();
}, 300_000);
afterAll(async () => {
  await api?.close();
  await s?.close();
});

describe(`closing an operation drops what the outbox has not delivered for it (${process.env.TEST_STORE})`, () => {
  it("instructions and reminders still queued are dropped and never reach Telegram; the cancellation does", async () => {
    const start = new Date(s.clock.now().getTime() + 3 * 3600_000);
    const r = await s.staff.coord1.request("POST", "/api/operations", planBody([caseId], start));
    expect(r.statusCode, r.body).toBe(201);
    const opId = String(r.json().id);
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`)).statusCode).toBe(200);
    // Not delivered yet: the instructions wait in the outbox, the two reminders (T-2 h, T-30 min) are held there.
    const [link] = await s.ctx.db.select().from(operationCases).where(eq(operationCases.operationId, opId));
    const ids = link!.instructionMessageIds;
    expect(ids.length).toBe(3);
    const queued = await s.ctx.db.select({ state: channelOutbox.state }).from(channelOutbox).where(inArray(channelOutbox.messageId, ids));
    expect(queued.map((q) => q.state)).toEqual(["queued", "queued", "queued"]);
    expect(tgTexts().some((t) => t.includes(PLANTED.place))).toBe(false);

    const closed = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "aborted", reason: "обстрел", then: "planning" });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await stateOf(s.ctx, caseId)).toBe("planning");
    expect(await s.ctx.db.select().from(channelOutbox).where(inArray(channelOutbox.messageId, ids))).toEqual([]);

    // Past the crossing's time: nothing is released, nothing of it is sent.
    s.clock.tick(start.getTime() + 60_000 - s.clock.now().getTime());
    expect(await releaseDueReminders(s.ctx)).toBe(0);
    await flush();
    const texts = tgTexts();
    expect(texts.some((t) => t.includes("Выход отменён"))).toBe(true);
    expect(texts.some((t) => t.includes(PLANTED.place) || t.startsWith("Напоминание"))).toBe(false);
  });
});
