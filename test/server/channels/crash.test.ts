import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { freshStore, LOG_FILE, onPostgres, type TestStore } from "../../support/store.js";
import { advancingClock, createFirstAdmin } from "../../support/staff.js";
import { startServerProcess, type ServerProcess } from "../../support/server-process.js";
import { openContext } from "../../../src/server/services.js";
import { buildStaffApp } from "../../../src/server/app.js";
import { messages } from "../../../src/server/db/schema.js";
import { channelOutbox } from "../../../src/server/channels/tables.js";
import { texts } from "../../../src/server/channels/telegram/catalog.js";
import { RecordingApi } from "./support/recorder.js";
import { BOT_TOKEN, recordedAt, WEBHOOK_SECRET } from "./support/harness.js";

/**
 * A server process killed (SIGKILL) while Telegram holds a sendMessage call open resends that
 * message after restart, once. Telegram takes no idempotency key, so from its side this is
 * at-least-once: here the first call reached the API and the second is the resend.
 *
 * Embedded store only: there the restarted process owns the data alone and resends at once. On
 * PostgreSQL other instances may be alive, so a "sending" row is only taken over when its lease
 * (two minutes) ends; outbox.test.ts checks that takeover on both stores with a moved clock.
 */
describe.skipIf(onPostgres())("outbox across a crash", () => {
  let store: TestStore;
  let api: RecordingApi;
  let server: ServerProcess | null = null;

  beforeAll(async () => {
    process.env.SAFE_PASSAGE_LOG_FILE = LOG_FILE;
    api = await new RecordingApi().start();
    store = await freshStore();
    // An administrator exists (so the intake team has a key and a first message can open a case).
    const ctx = await openContext(store.config);
    const staff = await buildStaffApp(ctx);
    await createFirstAdmin(staff, ctx, advancingClock(ctx));
    await staff.close();
    await ctx.database.close();
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    await api.close();
    await store.cleanup();
  });

  const env = () => ({
    SAFE_PASSAGE_DATA: store.dataDir,
    SAFE_PASSAGE_ENV: "test",
    SAFE_PASSAGE_LOG_FILE: LOG_FILE,
    LOG_LEVEL: "info",
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_API_BASE: api.url,
    CHANNEL_POLL_MS: "100",
  });

  it("a process killed mid-delivery resends after restart, exactly once more", async () => {
    api.failNext({ match: (r) => r.path.endsWith("/sendMessage"), hang: true });
    server = await startServerProcess(env());
    const r = await fetch(`${server.publicUrl}/channels/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      body: recordedAt("01-start.json", new Date()),
    });
    expect(r.status).toBe(200);
    // The greeting's sendMessage reaches the API, which holds it open: kill the server now.
    await api.waitFor(() => api.telegram("sendMessage").length === 1);
    server.child.kill("SIGKILL");
    await server.exited;

    server = await startServerProcess(env());
    await api.waitFor(() => api.delivered().length === 1);
    await new Promise((r) => setTimeout(r, 1000)); // room for a duplicate that must not come
    expect(api.telegram("sendMessage").map((c) => [c.body?.text, c.status])).toEqual([
      [texts.start.greeting, 0],
      [texts.start.greeting, 200],
    ]);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const ctx = await openContext(store.config);
    try {
      const [row] = await ctx.db.select().from(channelOutbox);
      expect([row!.state, row!.attempts, row!.payload]).toEqual(["sent", 2, null]);
      const [m] = await ctx.db.select().from(messages).where(eq(messages.id, row!.messageId!));
      expect(m!.deliveryState).toBe("sent");
    } finally {
      await ctx.database.close();
    }
  });
});
