import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { cases, messages } from "../../../src/server/db/schema.js";
import { channelUpdates } from "../../../src/server/channels/tables.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { texts } from "../../../src/server/channels/telegram/catalog.js";
import { fileContent } from "./support/recorder.js";
import { caseIdOf, channelHarness, drain, openAsOperator, WA_VERIFY_TOKEN, type Harness } from "./support/harness.js";
import { PHONE_NUMBER_ID, postWhatsApp, sign, waPayload } from "./support/whatsapp.js";

let h: Harness;
beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

const FROM = "79990002233";
const total = async () => ({
  cases: (await h.ctx.db.select({ n: count() }).from(cases))[0]!.n,
  messages: (await h.ctx.db.select({ n: count() }).from(messages))[0]!.n,
  updates: (await h.ctx.db.select({ n: count() }).from(channelUpdates))[0]!.n,
});

describe("WhatsApp Cloud API webhook", () => {
  it("answers the verification handshake only for our verify token", async () => {
    const ok = await h.pub.inject({ method: "GET", url: `/channels/whatsapp?hub.mode=subscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1158201444` });
    expect([ok.statusCode, ok.body, ok.headers["content-type"]]).toEqual([200, "1158201444", "text/plain; charset=utf-8"]);
    for (const q of [`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`, `hub.mode=unsubscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=1`, `hub.mode=subscribe&hub.verify_token=${WA_VERIFY_TOKEN}&hub.challenge=<script>`, ""]) {
      expect((await h.pub.inject({ method: "GET", url: `/channels/whatsapp?${q}` })).statusCode).toBe(403);
    }
  });

  it("refuses a missing or wrong signature with 401 and stores nothing", async () => {
    const before = await total();
    const body = JSON.stringify(waPayload(FROM, { id: "wamid.unsigned", type: "text", text: { body: "CANARY-WAUNSIGNED1" } }));
    for (const sig of [null, "", "sha256=00", sign(body, "another-secret-entirely"), sign(`${body} `)]) {
      const r = await postWhatsApp(h, body, sig);
      expect(r.statusCode).toBe(401);
    }
    expect(await total()).toEqual(before);
  });

  it("takes text, location and an image into one case; the image is fetched and stored encrypted", async () => {
    const updates = [
      { id: "wamid.A1", type: "text", text: { body: "Здравствуйте, хочу сдаться" } },
      { id: "wamid.A2", type: "location", location: { latitude: 48.0159, longitude: 37.8029, name: "Позиция" } },
      { id: "wamid.A3", type: "image", image: { id: "1479537139650973", mime_type: "image/jpeg", sha256: "x", caption: "жетон" } },
    ];
    for (const m of updates) expect((await postWhatsApp(h, waPayload(FROM, m, "Сергей"))).json()).toEqual({ ok: true });
    await drain(h);
    const [caseId, ...rest] = await caseIdOf(h, "whatsapp", `+${FROM}`);
    expect(rest).toEqual([]);
    expect(await caseIdOf(h, "phone", `+${FROM}`)).toEqual([caseId]);
    const c = await openAsOperator(h, caseId!);
    expect(c.channel).toBe("whatsapp");
    expect(c.sections.contact).toMatchObject({ preferred: "whatsapp", whatsapp: `+${FROM}`, whatsapp_name: "Сергей" });
    expect(c.messages.map((m) => [m.direction, m.body])).toEqual([
      ["in", "Здравствуйте, хочу сдаться"],
      ["in", "Геопозиция: 48.0159, 37.8029\nПозиция"],
      ["in", "[изображение] жетон"],
    ]);
    const list = (await h.op.request("GET", `/api/cases/${caseId}/attachments`)).json();
    expect(list).toEqual([expect.objectContaining({ messageId: c.messages[2]!.id, name: "image.jpg", type: "image/jpeg", size: fileContent("1479537139650973").length })]);
    expect(h.api.calls.filter((x) => x.method === "GET").map((x) => x.path)).toEqual(["/1479537139650973", "/media-bytes/1479537139650973"]);
  });

  it("processes a redelivered message once", async () => {
    const before = await total();
    for (let i = 0; i < 3; i++) await postWhatsApp(h, waPayload(FROM, { id: "wamid.A1", type: "text", text: { body: "Здравствуйте, хочу сдаться" } }));
    expect(await total()).toEqual(before);
  });

  it("sends a staff reply as text through the outbox to the sender's number", async () => {
    const [caseId] = await caseIdOf(h, "whatsapp", `+${FROM}`);
    expect((await h.op.request("POST", `/api/cases/${caseId}/replies`, { text: "Мы на связи." })).statusCode).toBe(201);
    await drain(h);
    const sent = h.api.calls.filter((x) => x.path === `/${PHONE_NUMBER_ID}/messages`);
    expect(sent.map((x) => x.body)).toEqual([{ messaging_product: "whatsapp", recipient_type: "individual", to: FROM, type: "text", text: { body: "Мы на связи.", preview_url: false } }]);
    expect((await openAsOperator(h, caseId!)).messages.at(-1)!.deliveryState).toBe("sent");
  });

  it("retries a throttled send (Meta code 130429) and a 500, then delivers once", async () => {
    const [caseId] = await caseIdOf(h, "whatsapp", `+${FROM}`);
    h.api.failNext(
      { match: (r) => r.path.endsWith("/messages"), status: 400, body: { error: { code: 130429, message: "rate limit" } }, headers: { "retry-after": "2" } },
      { match: (r) => r.path.endsWith("/messages"), status: 500, body: { error: { code: 1, message: "x" } } },
    );
    await h.op.request("POST", `/api/cases/${caseId}/replies`, { text: "Повторяем." });
    await drain(h);
    const sent = h.api.calls.filter((x) => x.path === `/${PHONE_NUMBER_ID}/messages` && x.body?.text && (x.body.text as { body: string }).body === "Повторяем.");
    expect(sent.map((x) => x.status)).toEqual([400, 500, 200]);
  });

  it("links the number to a web request by its receipt code, never storing the code", async () => {
    const web = await recordIntake(h.ctx, { channel: "web", sections: {}, message: "с сайта", receipt: "digits" });
    const from = "380501112233";
    await postWhatsApp(h, waPayload(from, { id: "wamid.L1", type: "text", text: { body: web.receiptCode } }));
    await postWhatsApp(h, waPayload(from, { id: "wamid.L2", type: "text", text: { body: "это я" } }));
    await drain(h);
    expect(await caseIdOf(h, "whatsapp", `+${from}`)).toEqual([web.caseId]);
    const c = await openAsOperator(h, web.caseId);
    expect(c.messages.map((m) => m.body)).toEqual(["с сайта", expect.stringContaining("WhatsApp"), texts.link.linked, "это я"]);
  });

  it("takes a payload it cannot read with 200 and stores nothing; bytes that are not JSON get 400", async () => {
    const before = await total();
    expect((await postWhatsApp(h, { object: "page", entry: [] })).statusCode).toBe(200);
    expect((await postWhatsApp(h, waPayload(FROM, { id: "wamid.S1", type: "sticker", sticker: { id: "1" } }))).statusCode).toBe(200);
    expect((await postWhatsApp(h, "{not json")).statusCode).toBe(400);
    const after = await total();
    expect([after.cases, after.messages]).toEqual([before.cases, before.messages]);
  });
});
