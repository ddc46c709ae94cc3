import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildPublicApp, buildStaffApp } from "../src/server/app.js";
import type { AppContext } from "../src/server/context.js";
import { freshPostgresDatabase } from "../test/support/store.js";
import { advancingClock, createFirstAdmin } from "../test/support/staff.js";
import type { BenchRow } from "./table.js";

/**
 * Telegram updates processed per second through the real webhook route (secret check, schema,
 * one transaction with the idempotency marker, the message sealed to its case), on the embedded
 * store and on PostgreSQL. Two loads: text from senders the bot knows (append to their case),
 * and first messages from new senders (each opens a case). The outbox worker is not running:
 * this is the intake side.
 */
const TOKEN = "6000000001:benchBENCHbenchBENCHbench";
const SECRET = "bench-secret-0123456789";
const CONCURRENCY = 16;
const KNOWN = 200;

async function withStore<T>(kind: "pglite" | "postgres", fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-channels-"));
  const pg = kind === "postgres" ? await freshPostgresDatabase() : null;
  // Deliveries would go nowhere: the API base is a closed port, and no worker runs.
  const env = { SAFE_PASSAGE_ENV: "test", TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_BASE: "http://127.0.0.1:9" };
  const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent", ...(pg ? { databaseUrl: pg.url } : {}) }, env));
  try {
    const staff = await buildStaffApp(ctx);
    await createFirstAdmin(staff, ctx, advancingClock(ctx)); // the intake team gets its key
    await staff.close();
    return await fn(ctx);
  } finally {
    await ctx.database.close();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let updateId = 1;
const textUpdate = (userId: number, text: string) =>
  JSON.stringify({ update_id: updateId++, message: { message_id: updateId, from: { id: userId, is_bot: false, first_name: "Bench" }, chat: { id: userId, type: "private" }, date: 1692806400, text } });

/** Post text updates through the public app's webhook route, as Telegram would. */
async function webhook(ctx: AppContext) {
  const app = await buildPublicApp(ctx);
  return {
    async post(userId: number) {
      const r = await app.inject({ method: "POST", url: "/channels/telegram", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, payload: textUpdate(userId, "Хочу сдаться, нас двое.") });
      if (r.statusCode !== 200) throw new Error(`bench: webhook answered ${r.statusCode}`);
    },
    close: () => app.close(),
  };
}

async function rate(post: (userId: number) => Promise<void>, seconds: number, nextUser: () => number): Promise<{ rate: number; n: number }> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await post(nextUser());
        n++;
      }
    }),
  );
  return { rate: n / ((performance.now() - t0) / 1000), n };
}

export async function benchChannels(seconds = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kind of ["pglite", "postgres"] as const) {
    const label = kind === "pglite" ? "PGlite" : "PostgreSQL";
    await withStore(kind, async (ctx) => {
      const hook = await webhook(ctx);
      try {
        for (let i = 0; i < KNOWN; i++) await hook.post(800_000_000 + i); // the known senders and their cases
        let next = 0;
        const known = await rate(hook.post, seconds, () => 800_000_000 + (next++ % KNOWN));
        rows.push({ section: "channels", name: `Telegram text updates/s, known senders, ${label}`, value: known.rate, unit: "updates/s", note: `${known.n} updates over ${KNOWN} chats, ${CONCURRENCY} in flight` });
        let fresh = 900_000_000;
        const created = await rate(hook.post, seconds, () => fresh++);
        rows.push({ section: "channels", name: `Telegram first messages/s (a new case each), ${label}`, value: created.rate, unit: "updates/s", note: `${created.n} new cases, ${CONCURRENCY} in flight` });
      } finally {
        await hook.close();
      }
    });
  }
  const [liteKnown, liteNew, pgKnown, pgNew] = rows;
  liteKnown!.ratio = `${(liteKnown!.value / pgKnown!.value).toFixed(2)}× PostgreSQL`;
  liteNew!.ratio = `${(liteNew!.value / pgNew!.value).toFixed(2)}× PostgreSQL`;
  return rows;
}
