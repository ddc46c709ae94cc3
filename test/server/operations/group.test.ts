import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { LOG_FILE, onPostgres } from "../../support/store.js";
import { canaryNeedles, searchForCanaries } from "../../support/canary.js";
import { RecordingApi } from "../channels/support/recorder.js";
import { channelEnv, WEBHOOK_SECRET } from "../channels/support/harness.js";
import { sign, waPayload } from "../channels/support/whatsapp.js";
import { deliverDue } from "../../../src/server/channels/outbox/worker.js";
import { releaseDueReminders } from "../../../src/server/operations/run.js";
import { operationCases, operationEscortEvents, operationKeys, operationReminders, operations } from "../../../src/server/operations/tables.js";
import { toMgrs } from "../../../src/shared/geo.js";
import { formatIn } from "../../../src/shared/zoned-time.js";
import { backup } from "../../../src/server/backup/copy.js";
import { PLANTED, planBody, stateOf, verifiedCase } from "./support.js";
import { applicantCookie, get, post } from "../intake/helpers.js";

let api: RecordingApi;
let s: StaffedStore<"op1" | "coord1">;
let ids: { tg: string; wa: string; web: string };
let webCode: string;
let webCookie: string;
let opId: string;
let start: Date;
const TG_CHAT = 7391846999;
const WA_FROM = "79161846999";
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-ops-backup-"));
const latest = async () => String((await s.ctx.database.executeSql("SELECT id FROM cases ORDER BY number DESC LIMIT 1")).rows[0]!.id);
const flush = async () => {
  while ((await deliverDue(s.ctx)) > 0);
};
const tgTexts = () => api.telegram("sendMessage").map((c) => String(c.body?.text ?? ""));
const waTexts = () => api.calls.filter((c) => c.path.endsWith("/messages")).map((c) => JSON.stringify(c.body));

beforeAll(async () => {
  api = await new RecordingApi().start();
  s = await staffedStore({ env: { ...channelEnv(api.url), SESSION_IDLE_MINUTES: "1440" }, publicApp: true, staff: { op1: "operator", coord1: "coordinator" } });
  await s.admin.request("GET", "/api/auth/session");
  const pub = s.publicApp!;
  const now = () => Math.floor(s.clock.now().getTime() / 1000);
  const from = { id: TG_CHAT, is_bot: false, first_name: "Павел", language_code: "ru" };
  const tg = await pub.inject({ method: "POST", url: "/channels/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }, payload: JSON.stringify({ update_id: 980000001, message: { message_id: 1, from, chat: { id: TG_CHAT, type: "private" }, date: now(), text: "Хочу сдаться, нас трое" } }) });
  expect(tg.statusCode).toBe(200);
  const tgCase = await latest();
  const raw = JSON.stringify(waPayload(WA_FROM, { id: "wamid.OPS1", type: "text", timestamp: String(now()), text: { body: "Я с ним" } }));
  expect((await pub.inject({ method: "POST", url: "/channels/whatsapp", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) }, payload: raw })).statusCode).toBe(200);
  const waCase = await latest();
  const made = await webCase(s.ctx, { name: "Орлов Олег", receipt: true });
  const web = made.caseId;
  webCode = made.receiptCode!;
  ids = { tg: await verifiedCase(s.ctx, s.staff.op1, tgCase), wa: await verifiedCase(s.ctx, s.staff.op1, waCase), web: await verifiedCase(s.ctx, s.staff.op1, web) };
  expect(new Set(Object.values(ids)).size).toBe(3);
  await flush();
}, 300_000);
afterAll(async () => {
  await api?.close();
  await s?.close();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

describe(`a group of three on three channels (${process.env.TEST_STORE})`, () => {
  it("each gets his own instructions on his channel, and the cases are scheduled", async () => {
    start = new Date(s.clock.now().getTime() + 3 * 3600_000);
    const r = await s.staff.coord1.request("POST", "/api/operations", planBody(Object.values(ids), start));
    expect(r.statusCode, r.body).toBe(201);
    opId = r.json().id;
    const sent = await s.staff.coord1.request("POST", `/api/operations/${opId}/instructions`);
    expect(sent.statusCode, sent.body).toBe(200);
    await flush();
    const moscow = formatIn(start, "Europe/Moscow");
    const kyiv = formatIn(start, "Europe/Kyiv");
    const mine = (texts: string[]) => texts.filter((t) => t.includes(PLANTED.place));
    expect(mine(tgTexts()).length).toBeGreaterThanOrEqual(1);
    expect(mine(tgTexts()).join("")).toContain(`${moscow} (по московскому времени); это ${kyiv} по киевскому времени`);
    expect(mine(tgTexts()).join("")).toContain("когда прилетит дрон, поднимите руки".replace(/^к/, "К"));
    expect(mine(waTexts()).length).toBeGreaterThanOrEqual(1);
    const webThread = (await s.staff.coord1.request("GET", `/api/cases/${ids.web}`)).json().messages as { direction: string; body: string }[];
    expect(webThread.filter((m) => m.direction === "out" && m.body.includes(PLANTED.place)).length).toBe(1);
    for (const id of Object.values(ids)) expect(await stateOf(s.ctx, id)).toBe("scheduled");
    // Reminders are held, not sent: nothing of them left yet.
    expect(tgTexts().filter((t) => t.startsWith("Напоминание")).length).toBe(0);
  });

  it("each confirms his own way (Telegram button, WhatsApp reply, the /return button) and the coordinator sees it", async () => {
    const pub = s.publicApp!;
    const now = () => Math.floor(s.clock.now().getTime() / 1000);
    // Telegram: the instructions carry the button; the press comes back as a callback query.
    const sent = api.telegram("sendMessage").filter((c) => String(c.body?.text ?? "").includes(PLANTED.place));
    const markup = sent.at(-1)!.body?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(markup.inline_keyboard[0]![0]).toEqual({ text: "Подтверждаю", callback_data: "operation:confirm" });
    const press = { update_id: 980000002, callback_query: { id: "cb-1", from: { id: TG_CHAT, is_bot: false, first_name: "Павел" }, chat_instance: "1", data: "operation:confirm", message: { message_id: 2, chat: { id: TG_CHAT, type: "private" }, date: now(), text: "…" } } };
    const tg = await pub.inject({ method: "POST", url: "/channels/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }, payload: JSON.stringify(press) });
    expect(tg.statusCode).toBe(200);
    // WhatsApp: his reply, in his own spelling.
    const raw = JSON.stringify(waPayload(WA_FROM, { id: "wamid.OPS2", type: "text", timestamp: String(now()), text: { body: "подтверждаю!" } }));
    expect((await pub.inject({ method: "POST", url: "/channels/whatsapp", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) }, payload: raw })).statusCode).toBe(200);
    // The web: his code opens /return, which shows the printable card and its button.
    const signedIn = await post(pub, "/return", { code: webCode });
    expect(signedIn.statusCode, signedIn.body).toBe(303);
    webCookie = applicantCookie(signedIn)!;
    const page = await get(pub, "/return", { cookie: webCookie });
    expect(page.body).toContain('id="instructions"');
    expect(page.body).toContain(PLANTED.place);
    // The card needs no script (the page's only one is the quick exit of every page).
    const card = page.body.slice(page.body.indexOf('id="instructions"'), page.body.indexOf("</section>"));
    expect(card).toContain(PLANTED.place);
    expect(card).not.toContain("<script");
    expect(page.body).toContain('id="confirm-form"');
    // Another site cannot confirm for him, nor a form without his session's token.
    expect((await post(pub, "/return/confirm", {}, { cookie: webCookie, headers: { "sec-fetch-site": "cross-site" } })).statusCode).toBe(403);
    expect((await post(pub, "/return/confirm", {}, { cookie: webCookie, token: false })).statusCode).toBe(303);
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).json().cases.find((c: { caseId: string }) => c.caseId === ids.web).confirmedAt).toBeNull();
    expect((await post(pub, "/return/confirm", {}, { cookie: webCookie })).statusCode).toBe(303);
    expect((await get(pub, "/return", { cookie: webCookie })).body).toContain('id="confirmed"');
    await flush();
    expect(tgTexts().filter((t) => t.startsWith("Спасибо, подтверждение получено")).length).toBe(1);
    expect(waTexts().filter((t) => t.includes("Спасибо, подтверждение получено")).length).toBe(1);
    const op = (await s.staff.coord1.request("GET", `/api/operations/${opId}`)).json();
    const via = Object.fromEntries(op.cases.map((c: { caseId: string; confirmedVia: string }) => [c.caseId, c.confirmedVia]));
    expect(via).toEqual({ [ids.tg]: "telegram", [ids.wa]: "whatsapp", [ids.web]: "web" });
    const item = (await s.staff.coord1.request("GET", "/api/operations")).json().items.find((i: { id: string }) => i.id === opId);
    expect(item).toMatchObject({ state: "scheduled", onIt: true, confirmed: 3, groupSize: 3 });
    // A coordinator can still record one passed on by phone; his own stays the one shown.
    expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/confirmations`, { caseId: ids.web })).statusCode).toBe(200);
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).json().cases.find((c: { caseId: string }) => c.caseId === ids.web).confirmedVia).toBe("web");
  });

  it("reminders reach each at T-2 h and T-30 min, on his messenger or his /return page (test clock)", async () => {
    // His session idles out over the hours the clock skips: he signs in with his code each time.
    const onReturn = async () => {
      const cookie = applicantCookie(await post(s.publicApp!, "/return", { code: webCode }))!;
      return ((await get(s.publicApp!, "/return", { cookie })).body.match(/Напоминание/g) ?? []).length;
    };
    s.clock.tick(start.getTime() - 121 * 60_000 - s.clock.now().getTime());
    expect(await releaseDueReminders(s.ctx)).toBe(0);
    expect(await onReturn()).toBe(0);
    s.clock.tick(2 * 60_000);
    expect(await releaseDueReminders(s.ctx)).toBe(3);
    await flush();
    expect(tgTexts().filter((t) => t.startsWith("Напоминание")).length).toBe(1);
    expect(waTexts().filter((t) => t.includes("Напоминание")).length).toBe(1);
    expect(await onReturn()).toBe(1);
    s.clock.tick(start.getTime() - 30 * 60_000 + 1000 - s.clock.now().getTime());
    expect(await releaseDueReminders(s.ctx)).toBe(3);
    await flush();
    expect(tgTexts().filter((t) => t.startsWith("Напоминание")).length).toBe(2);
    expect(await onReturn()).toBe(2);
  });

  it("the escort's states form a timeline", async () => {
    for (const state of ["launched", "contact_made", "contact_lost", "backup_launched", "escorting", "handed_over"]) {
      s.clock.tick(60_000);
      expect((await s.staff.coord1.request("POST", `/api/operations/${opId}/escort`, { state })).statusCode).toBe(200);
    }
    const op = (await s.staff.coord1.request("GET", `/api/operations/${opId}`)).json();
    expect(op.escort.map((e: { state: string }) => e.state)).toEqual(["launched", "contact_made", "contact_lost", "backup_launched", "escorting", "handed_over"]);
  });

  it("the outcome moves all three cases and destroys the details", async () => {
    const r = await s.staff.coord1.request("POST", `/api/operations/${opId}/outcome`, { outcome: "handed_over" });
    expect(r.statusCode, r.body).toBe(200);
    for (const id of Object.values(ids)) expect(await stateOf(s.ctx, id)).toBe("handed_over");
    expect((await s.staff.coord1.request("GET", `/api/operations/${opId}`)).statusCode).toBe(404);
    const [row] = await s.ctx.db.select().from(operations).where(eq(operations.id, opId));
    expect(row!.details).toBeNull();
    expect(row!.summary).toMatchObject({ oblast: "UA-23", groupSize: 3, outcome: "handed_over" });
    for (const t of [operationKeys, operationCases, operationEscortEvents, operationReminders]) expect((await s.ctx.db.select().from(t).where(eq(t.operationId, opId))).length).toBe(0);
    const thread = (await s.staff.coord1.request("GET", `/api/cases/${ids.tg}`)).json().messages as { body: string }[];
    expect(thread.some((m) => m.body === "Инструкции удалены после операции.")).toBe(true);
    expect(thread.some((m) => m.body.includes(PLANTED.place) || m.body.includes("Напоминание"))).toBe(false);
  });

  it("a seizure of the data directory, the dump, a backup and the log finds none of what was planted", async () => {
    await s.ctx.database.checkpoint();
    const strings = [
      ...Object.values(PLANTED).flatMap((v) => (typeof v === "string" ? [v.slice(0, 18)] : [String(v.lat), String(v.lon)])),
      toMgrs(PLANTED.meeting.lat, PLANTED.meeting.lon)!,
      toMgrs(PLANTED.alternate.lat, PLANTED.alternate.lon)!,
      start.toISOString(),
      formatIn(start, "Europe/Kyiv"),
      formatIn(start, "Europe/Moscow"),
    ];
    const needles = strings.flatMap((p) => canaryNeedles(p));
    // The needles work: the Telegram API (outside the store) did receive them.
    expect(tgTexts().join("\n")).toContain(PLANTED.place);
    const r = await backup(s.ctx, backupDir);
    if (onPostgres()) expect(searchForCanaries(r.dbFile, needles).hits).toEqual([]);
    else expect(searchForCanaries(s.ctx.config.dataDir, needles).hits).toEqual([]);
    expect(searchForCanaries(backupDir, needles).hits).toEqual([]);
    expect(searchForCanaries(LOG_FILE, needles).hits).toEqual([]);
  });
});
