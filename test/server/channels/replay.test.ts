import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { cases, messages } from "../../../src/server/db/schema.js";
import { channelUpdates } from "../../../src/server/channels/tables.js";
import { pruneChannels } from "../../../src/server/channels/outbox/worker.js";
import { channelHarness, drain, postUpdate, readRecorded, recordedAt, type Harness } from "./support/harness.js";
import { postWhatsApp, waPayload } from "./support/whatsapp.js";

/**
 * Issue 10, item 17: the processed-update markers are pruned after 14 days. An attacker who kept
 * a signed update (a captured webhook request: Telegram's secret header or Meta's signature is
 * in it) posts it again after that: it must not apply a second time. Refused by its own date.
 */
let h: Harness;
beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

const DAY = 86_400_000;
const total = async () => ({
  cases: (await h.ctx.db.select({ n: count() }).from(cases))[0]!.n,
  messages: (await h.ctx.db.select({ n: count() }).from(messages))[0]!.n,
});

describe("replaying an old signed update after its marker was pruned", () => {
  it("Telegram: the same captured update, posted again 15 days later, changes nothing and sends nothing", async () => {
    const captured = readRecorded("02-text-ru.json");
    expect((await postUpdate(h, captured)).json()).toEqual({ ok: true });
    await drain(h);
    const before = await total();
    expect(before.messages).toBeGreaterThan(0);
    const sentBefore = h.api.telegram("sendMessage").length;

    h.clock.tick(15 * DAY);
    await pruneChannels(h.ctx);
    expect((await h.ctx.db.select({ n: count() }).from(channelUpdates))[0]!.n).toBe(0); // the marker is gone
    const r = await postUpdate(h, captured);
    expect([r.statusCode, r.json()]).toEqual([200, { ok: true }]); // acknowledged, so Telegram would not retry it
    await drain(h);
    expect(await total()).toEqual(before);
    expect(h.api.telegram("sendMessage")).toHaveLength(sentBefore);
  });

  it("Telegram: an edit is judged by its edit date, a button press by its message's date; a fresh update still goes in", async () => {
    const before = await total();
    expect((await postUpdate(h, readRecorded("07-edited-message.json"))).statusCode).toBe(200);
    expect((await postUpdate(h, readRecorded("06-callback-query.json"))).statusCode).toBe(200);
    const noDate = JSON.parse(readRecorded("06-callback-query.json"));
    noDate.update_id += 1000;
    noDate.callback_query.message.date = 0; // an "inaccessible" message: no date to judge by
    expect((await postUpdate(h, noDate)).statusCode).toBe(200);
    await drain(h);
    expect(await total()).toEqual(before);
    // The window is the only thing in the way: the same text sent now is taken.
    const fresh = JSON.parse(recordedAt("02-text-ru.json", h.clock.now()));
    fresh.update_id += 1000;
    expect((await postUpdate(h, fresh)).statusCode).toBe(200);
    expect((await total()).messages).toBeGreaterThan(before.messages);
  });

  it("WhatsApp: a signed payload replayed 15 days later is refused by its timestamp", async () => {
    const sentAt = String(Math.floor(h.clock.now().getTime() / 1000));
    const captured = waPayload("79990007788", { id: "wamid.REPLAY1", timestamp: sentAt, type: "text", text: { body: "первое" } });
    expect((await postWhatsApp(h, captured)).json()).toEqual({ ok: true });
    await drain(h);
    const before = await total();
    h.clock.tick(15 * DAY);
    await pruneChannels(h.ctx);
    expect((await postWhatsApp(h, captured)).json()).toEqual({ ok: true });
    const noStamp = waPayload("79990007788", { id: "wamid.REPLAY2", type: "text", text: { body: "без даты" } });
    delete (noStamp.entry[0]!.changes[0]!.value.messages[0] as { timestamp?: string }).timestamp;
    expect((await postWhatsApp(h, noStamp)).json()).toEqual({ ok: true });
    await drain(h);
    expect(await total()).toEqual(before);
  });
});
