import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { attachments } from "../../../src/server/db/schema.js";
import { channelOutbox } from "../../../src/server/channels/tables.js";
import { RecordingApi } from "./support/recorder.js";
import { caseIdOf, channelHarness, drain, type Harness } from "./support/harness.js";
import { postWhatsApp, waPayload } from "./support/whatsapp.js";

/**
 * Issue 10, item 16: the WhatsApp media endpoint answers with a URL, and the worker fetched it
 * with the bearer token (the key to the whole business account) wherever it pointed. Here the
 * answer is hostile: it points at another server (a second recorder, standing for the
 * attacker's), or at Meta's host over plain http. The token must never leave for it.
 */
let h: Harness;
let hostile: RecordingApi;
beforeAll(async () => {
  h = await channelHarness();
  hostile = await new RecordingApi().start();
});
afterAll(async () => {
  await hostile.close();
  await h.cleanup();
});

describe("WhatsApp media URLs", () => {
  it("a media URL to another host, or over http, is refused before any request: the token never arrives", async () => {
    const from = "79990003344";
    const urls = [`${hostile.url}/media-bytes/m1`, `${hostile.url.replace("http:", "https:")}/media-bytes/m2`, "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=3", "https://lookaside.fbsbx.com.evil.example/x", "https://user:pw@lookaside.fbsbx.com/x"];
    for (const [i, url] of urls.entries()) {
      const mediaId = `66600000000${i}`;
      h.api.failNext({ match: (r) => r.method === "GET" && r.path === `/${mediaId}`, status: 200, body: { url, mime_type: "image/jpeg", id: mediaId } });
      await postWhatsApp(h, waPayload(from, { id: `wamid.MEDIA${i}`, type: "image", image: { id: mediaId, mime_type: "image/jpeg", caption: "фото" } }));
    }
    await drain(h);
    expect(hostile.calls).toEqual([]);
    // Only the media-metadata calls reached the Graph API stand-in, no download anywhere.
    expect(h.api.calls.filter((c) => c.method === "GET").map((c) => c.path).sort()).toEqual(urls.map((_, i) => `/66600000000${i}`));
    const [caseId] = await caseIdOf(h, "whatsapp", `+${from}`);
    const rows = await h.ctx.db.select().from(channelOutbox).where(eq(channelOutbox.caseId, caseId!));
    expect(rows.map((r) => [r.kind, r.state, r.lastErrorCode, r.payload])).toEqual(urls.map(() => ["whatsapp.fetch", "failed", "whatsapp_media_host_refused", null]));
    expect(await h.ctx.db.select().from(attachments).where(eq(attachments.caseId, caseId!))).toEqual([]);
  });

  it("the Graph API origin itself still serves media (the check is not a blanket refusal)", async () => {
    const from = "79990003355";
    await postWhatsApp(h, waPayload(from, { id: "wamid.MEDIAOK", type: "image", image: { id: "777000000001", mime_type: "image/jpeg" } }));
    await drain(h);
    const [caseId] = await caseIdOf(h, "whatsapp", `+${from}`);
    expect(await h.ctx.db.select().from(attachments).where(eq(attachments.caseId, caseId!))).toHaveLength(1);
  });
});
