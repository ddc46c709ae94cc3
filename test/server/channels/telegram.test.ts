import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { attachments, cases, messages } from "../../../src/server/db/schema.js";
import { channelContacts, channelDialogs, channelOutbox, channelUpdates } from "../../../src/server/channels/tables.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { texts } from "../../../src/server/channels/telegram/catalog.js";
import { fileContent } from "./support/recorder.js";
import { BOT_TOKEN, update, caseIdOf, channelHarness, drain, openAsOperator, postUpdate, readRecorded, recordedFiles, type Harness, type ThreadMessage } from "./support/harness.js";

let h: Harness;

beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

const IVAN = "700100200";
const ALEXEY = "700100400";

async function counts() {
  const n = async (t: typeof cases | typeof messages | typeof channelUpdates | typeof channelOutbox | typeof attachments) => (await h.ctx.db.select({ n: count() }).from(t))[0]!.n;
  return { cases: await n(cases), messages: await n(messages), updates: await n(channelUpdates), outbox: await n(channelOutbox), attachments: await n(attachments) };
}

const bodies = (m: ThreadMessage[]) => m.map((x) => [x.direction, x.body]);

describe("Telegram webhook: the recorded updates", () => {
  it("refuses a missing or wrong secret with 401 and stores nothing", async () => {
    const before = await counts();
    const start = readRecorded("01-start.json");
    for (const secret of [null, "", "wrong", `${"CANARY-SECRET0001-webhook"}x`, BOT_TOKEN]) {
      const r = await postUpdate(h, start, secret);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ error: { code: "unauthenticated", message: expect.any(String) } });
    }
    expect(await counts()).toEqual(before);
    expect(h.api.calls).toHaveLength(0);
  });

  it("replays every recorded file through the real route", async () => {
    for (const file of recordedFiles()) {
      const r = await postUpdate(h, readRecorded(file));
      // 10-sendMessage-response.json is the Bot API's answer to sendMessage, not an update: refused, nothing stored.
      if (file.startsWith("10-")) expect([r.statusCode, r.json().error.code]).toEqual([400, "validation_failed"]);
      else expect([file, r.statusCode, r.json()]).toEqual([file, 200, { ok: true }]);
    }
    await drain(h);
  });

  it("puts Иван's updates into one case, in order, with the edit as a new version", async () => {
    const [caseId, ...others] = await caseIdOf(h, "telegram_id", IVAN);
    expect(others).toEqual([]);
    const c = await openAsOperator(h, caseId!);
    expect(c.channel).toBe("telegram");
    expect(c.sections.contact).toMatchObject({ preferred: "telegram", telegram_id: IVAN, telegram_name: "Иван" });
    expect(bodies(c.messages)).toEqual([
      ["in", "/start"],
      ["out", texts.start.greeting],
      ["in", "Здравствуйте. Хочу сдаться. Нас двое, мы из одного взвода."],
      ["in", "Геопозиция: 47.5012, 35.8123 (точность 65 м)"],
      ["in", "Контакт: Иван, +79990001122"],
      ["in", "[фото] Военный билет"],
      ["in", "Нас двое"],
      ["out", texts.questions.deployed.text],
      ["in", "Здравствуйте. Хочу сдаться. Нас трое, мы из одного взвода."],
    ]);
    const original = c.messages[2]!;
    const edited = c.messages[8]!;
    expect(edited.replacesId).toBe(original.id);
    expect(c.messages.filter((m) => m.direction === "out").map((m) => m.deliveryState)).toEqual(["sent", "sent"]);
    // The photo: the largest size fetched with getFile, stored as an encrypted attachment of its message.
    const list = (await h.op.request("GET", `/api/cases/${caseId}/attachments`)).json();
    expect(list).toEqual([expect.objectContaining({ messageId: c.messages[5]!.id, name: "photo-5.jpg", type: "image/jpeg", size: fileContent("AgACAgIAAxkBAAIBZ2Tm-large").length })]);
    const down = await h.op.request("GET", `/api/cases/${caseId}/attachments/${list[0].id}`);
    expect(down.rawPayload.equals(fileContent("AgACAgIAAxkBAAIBZ2Tm-large"))).toBe(true);
    const onDisk = fs.readFileSync(path.join(h.ctx.config.dataDir, "attachments", list[0].id));
    expect(onDisk.includes(Buffer.from("CANARY-FILEBYTES"))).toBe(false);
    // The phone of his own contact is a phone identity of the case (a later call joins it).
    expect(await caseIdOf(h, "phone", "+79990001122")).toEqual([caseId]);
    const phones = await h.ctx.db.select().from(channelContacts).where(eq(channelContacts.caseId, caseId!));
    expect(phones.map((p) => p.channel).sort()).toEqual(["phone", "telegram"]);
  });

  it("answers /start with a Russian greeting and inline buttons, the callback with an answer and the next question", async () => {
    const sent = h.api.delivered();
    expect(sent[0]!.body).toMatchObject({ chat_id: Number(IVAN), text: texts.start.greeting, reply_markup: { inline_keyboard: [[{ callback_data: "menu:questionnaire" }], [{ callback_data: "menu:write" }], [{ callback_data: "menu:link" }]] } });
    expect(h.api.telegram("answerCallbackQuery").map((c) => c.body)).toEqual([{ callback_query_id: "4382bfdwdsb323b2d9", text: texts.callbackAck }]);
    expect(sent[1]!.body).toMatchObject({ chat_id: Number(IVAN), text: texts.questions.deployed.text });
    expect(sent).toHaveLength(2);
    // Nothing was sent to the group chat (08), and nothing else.
    expect(h.api.calls.some((c) => JSON.stringify(c.body).includes("-1001234567890"))).toBe(false);
    expect(h.api.telegram("getFile").map((c) => c.body?.file_id).sort()).toEqual(["AgACAgIAAxkBAAIBZ2Tm-large", "AwACAgIAAxkBAAIBvoice"]);
    // The token is in the Bot API's URLs (where Telegram wants it) and nowhere we serve.
    expect(h.api.calls.every((c) => c.path.startsWith(`/bot${BOT_TOKEN}/`) || c.path.startsWith(`/file/bot${BOT_TOKEN}/`))).toBe(true);
  });

  it("ignores the group chat and opens a second case for Алексей's voice message", async () => {
    const pyotr = await caseIdOf(h, "telegram_id", "700100300");
    expect(pyotr).toEqual([]);
    const [caseId] = await caseIdOf(h, "telegram_id", ALEXEY);
    const c = await openAsOperator(h, caseId!);
    expect(bodies(c.messages)).toEqual([["in", "[голосовое сообщение]"]]);
    const list = (await h.op.request("GET", `/api/cases/${caseId}/attachments`)).json();
    expect(list).toEqual([expect.objectContaining({ name: "voice-9.ogg", type: "audio/ogg", messageId: c.messages[0]!.id })]);
  });

  it("processes a replayed update_id once: the same files again change nothing", async () => {
    const before = await counts();
    const calls = h.api.calls.length;
    for (const file of recordedFiles()) await postUpdate(h, readRecorded(file));
    await drain(h);
    expect(await counts()).toEqual(before);
    expect(h.api.calls.length).toBe(calls);
  });

  it("two deliveries of one update at the same time still count once", async () => {
    const u = update(700100500, { text: "одновременно" });
    const before = await counts();
    const rs = await Promise.all([postUpdate(h, u), postUpdate(h, u), postUpdate(h, u)]);
    expect(rs.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const after = await counts();
    expect([after.cases - before.cases, after.messages - before.messages]).toEqual([1, 1]);
  });

  it("stores nothing in clear: message bodies, the contact address and delivered payloads", async () => {
    const stored = await h.ctx.db.select().from(messages);
    for (const m of stored) expect(m.body.toString("utf8")).not.toMatch(/Хочу|Здравствуйте|Военный|\+7999/);
    for (const c of await h.ctx.db.select().from(channelContacts)) expect(c.address?.toString("utf8") ?? "").not.toContain(IVAN);
    const rows = await h.ctx.db.select().from(channelOutbox);
    expect(rows.every((r) => (r.state === "sent" || r.state === "done") && r.payload === null)).toBe(true);
    const updates = await h.ctx.db.select().from(channelUpdates);
    expect(updates.every((u) => !u.key.toString("utf8").includes("510001"))).toBe(true);
  });
});

describe("Telegram: staff replies, the questionnaire, linking by receipt code", () => {
  it("a staff reply goes out through the outbox and shows as sent", async () => {
    const [caseId] = await caseIdOf(h, "telegram_id", IVAN);
    const r = await h.op.request("POST", `/api/cases/${caseId}/replies`, { text: "Ждите инструкций. CANARY-REPLY00001" });
    expect(r.statusCode).toBe(201);
    const queued = (await openAsOperator(h, caseId!)).messages.at(-1)!;
    expect([queued.deliveryState, queued.channel]).toEqual(["queued", "telegram"]);
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: Number(IVAN), text: "Ждите инструкций. CANARY-REPLY00001" });
    expect((await openAsOperator(h, caseId!)).messages.at(-1)!.deliveryState).toBe("sent");
    const deliveries = (await h.op.request("GET", `/api/channels/deliveries?caseId=${caseId}`)).json();
    expect(deliveries.at(-1)).toMatchObject({ messageId: queued.id, state: "sent", attempts: 1, lastErrorCode: null });
  });

  it("walks the whole questionnaire with buttons and a typed group size", async () => {
    const id = 700100600;
    for (const [kind, extra] of [
      ["message", { text: "/start" }],
      ["callback_query", { data: "menu:questionnaire" }],
      ["callback_query", { data: "group:more" }],
      ["message", { text: "семеро?" }],
      ["message", { text: "7" }],
      ["callback_query", { data: "deployed:yes" }],
      ["callback_query", { data: "region:kherson" }],
      ["callback_query", { data: "timing:week" }],
      ["callback_query", { data: "equipment:tank_sp_artillery" }],
      ["callback_query", { data: "equipment:military_vehicle" }],
      ["callback_query", { data: "equipment:done" }],
      ["callback_query", { data: "region:forged-value" }],
      ["callback_query", { data: "contact:telegram" }],
    ] as const) {
      expect((await postUpdate(h, update(id, extra, kind))).statusCode).toBe(200);
    }
    await drain(h);
    const [caseId] = await caseIdOf(h, "telegram_id", String(id));
    const c = await openAsOperator(h, caseId!);
    const summary = c.messages.find((m) => m.direction === "note")!;
    expect(summary.body.split("\n")).toEqual([
      texts.summary.title,
      "Человек: 7",
      "На фронте: Да, уже на фронте",
      "Район: Херсонская область",
      "Когда: В течение недели",
      "Техника: Танк или САУ, Военный автомобиль",
      "Связь: Здесь, в Telegram",
    ]);
    expect(c.messages.filter((m) => m.direction === "in").map((m) => m.body)).toEqual([
      "/start",
      "Нас четверо или больше",
      "семеро?",
      "7",
      "Да, уже на фронте",
      "Херсонская область",
      "В течение недели",
      "Танк или САУ",
      "Военный автомобиль",
      "Готово",
      "Здесь, в Telegram",
    ]);
    const said = h.api.delivered().filter((d) => d.body?.chat_id === id).map((d) => d.body?.text);
    expect(said).toContain(texts.questions.groupCount.invalid);
    expect(said.at(-1)).toBe(texts.questions.done);
    const [contact] = await h.ctx.db.select().from(channelContacts).where(eq(channelContacts.caseId, caseId!));
    expect(await h.ctx.db.select().from(channelDialogs).where(eq(channelDialogs.contactId, contact!.id))).toHaveLength(0);
  });

  it("links a Telegram account to a web request by its receipt code; a wrong code is 'not recognised' and opens nothing", async () => {
    const web = await recordIntake(h.ctx, { channel: "web", sections: { identity: { name: "Петров Пётр" } }, message: "с сайта", receipt: "digits" });
    const id = 700100700;
    const before = await counts();
    expect((await postUpdate(h, update(id, { text: "1111 2222 3333 4444" }))).statusCode).toBe(200);
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: id, text: texts.link.notRecognised });
    expect((await counts()).cases).toBe(before.cases);
    expect((await postUpdate(h, update(id, { text: `/link ${web.receiptCode}` }))).statusCode).toBe(200);
    expect((await postUpdate(h, update(id, { text: "теперь пишу из Telegram" }))).statusCode).toBe(200);
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: id, text: texts.link.linked });
    expect(await caseIdOf(h, "telegram_id", String(id))).toEqual([web.caseId]);
    const c = await openAsOperator(h, web.caseId);
    const digits = web.receiptCode!.replace(/\D/g, "");
    expect(c.messages.some((m) => m.body.replace(/\D/g, "").includes(digits))).toBe(false);
    expect(c.messages.map((m) => m.direction)).toEqual(["in", "note", "out", "in"]);
    expect(c.messages.at(-1)!.body).toBe("теперь пишу из Telegram");
    // A reply on the web case now reaches him in Telegram.
    await h.op.request("POST", `/api/cases/${web.caseId}/replies`, { text: "Видим вас." });
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: id, text: "Видим вас." });
  });

  it("after 'send your code', a try at a code is answered and not kept, an ordinary message is kept", async () => {
    const id = 700100750;
    await postUpdate(h, update(id, { text: "/start" }));
    await postUpdate(h, update(id, { data: "menu:link" }, "callback_query"));
    await postUpdate(h, update(id, { text: "1234 5678 9012 345" }));
    await postUpdate(h, update(id, { text: "а где вы находитесь?" }));
    await drain(h);
    const said = h.api.delivered().filter((d) => d.body?.chat_id === id).map((d) => d.body?.text);
    expect(said).toEqual([texts.start.greeting, texts.link.prompt, texts.link.notRecognised]);
    const [caseId] = await caseIdOf(h, "telegram_id", String(id));
    expect((await openAsOperator(h, caseId!)).messages.filter((m) => m.direction === "in").map((m) => m.body)).toEqual(["/start", "а где вы находитесь?"]);
  });

  it("after operators merge his Telegram case into another, his messages follow the surviving case; its replies reach him once he sends its code", async () => {
    const id = 700100900;
    await postUpdate(h, update(id, { text: "первое обращение" }));
    const [telegramCase] = await caseIdOf(h, "telegram_id", String(id));
    const web = await recordIntake(h.ctx, { channel: "web", sections: {}, message: "с сайта, тот же человек", receipt: "digits" });
    const merged = await h.op.request("POST", `/api/cases/${telegramCase}/merge`, { into: web.caseId, reason: "один и тот же человек" });
    expect(merged.statusCode).toBe(200);
    await postUpdate(h, update(id, { text: "второе, после слияния" }));
    const c = await openAsOperator(h, web.caseId);
    expect(c.messages.filter((m) => m.caseId === web.caseId).map((m) => m.body)).toEqual(["с сайта, тот же человек", "второе, после слияния"]);
    // A merge is an operator's judgement, not proof (issue 10, item 1): the reply stays on the site.
    await h.op.request("POST", `/api/cases/${web.caseId}/replies`, { text: "Ответ в общую заявку." });
    await drain(h);
    expect(h.api.delivered().filter((d) => d.body?.text === "Ответ в общую заявку.")).toEqual([]);
    // He proves the surviving case is his with its own code: from then on its replies reach him.
    await postUpdate(h, update(id, { text: web.receiptCode! }));
    await h.op.request("POST", `/api/cases/${web.caseId}/replies`, { text: "Теперь в Telegram." });
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: id, text: "Теперь в Telegram." });
  });

  it("takes a document with its own name and type as an encrypted attachment", async () => {
    const id = 700100950;
    const doc = { file_id: "BQACAgIAAxkBdoc", file_unique_id: "d1", file_name: "справка.pdf", mime_type: "application/pdf", file_size: 2048 };
    expect((await postUpdate(h, update(id, { document: doc, caption: "справка из части" }))).statusCode).toBe(200);
    await drain(h);
    const [caseId] = await caseIdOf(h, "telegram_id", String(id));
    const c = await openAsOperator(h, caseId!);
    expect(c.messages.map((m) => m.body)).toEqual(["[документ] справка из части"]);
    const list = (await h.op.request("GET", `/api/cases/${caseId}/attachments`)).json();
    expect(list).toEqual([expect.objectContaining({ messageId: c.messages[0]!.id, name: "справка.pdf", type: "application/pdf", size: fileContent("BQACAgIAAxkBdoc").length })]);
  });

  it("takes unsupported messages without storing them, and answers", async () => {
    const id = 700100800;
    const before = await counts();
    expect((await postUpdate(h, update(id, { sticker: { file_id: "x" } }))).statusCode).toBe(200);
    await drain(h);
    expect(h.api.delivered().at(-1)!.body).toMatchObject({ chat_id: id, text: texts.unsupported });
    const after = await counts();
    expect(after.messages - before.messages).toBe(1); // the bot's answer, in the thread of the case the contact opened
  });
});
