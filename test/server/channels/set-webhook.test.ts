import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../../support/store.js";
import { RecordingApi } from "./support/recorder.js";
import { BOT_TOKEN, WEBHOOK_SECRET } from "./support/harness.js";

let api: RecordingApi;
beforeAll(async () => {
  api = await new RecordingApi().start();
});
afterAll(async () => {
  await api.close();
});

/** `safe-passage telegram set-webhook …` from source, as an operator runs it. */
function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), "telegram", "set-webhook", ...args], {
    env: { ...process.env, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, TELEGRAM_API_BASE: api.url, SAFE_PASSAGE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

// No storage involved: once, in the embedded run, is enough.
describe.skipIf(onPostgres())("safe-passage telegram set-webhook", () => {
  it("registers our URL with the secret token and only the update kinds the bot handles", async () => {
    const r = await cli(["--url", "https://hotline.example.org/channels/telegram"]);
    expect([r.code, r.out]).toEqual([0, expect.stringContaining("Telegram webhook set: https://hotline.example.org/channels/telegram")]);
    expect(api.telegram("setWebhook").map((c) => c.body)).toEqual([
      { url: "https://hotline.example.org/channels/telegram", secret_token: WEBHOOK_SECRET, allowed_updates: ["message", "edited_message", "callback_query"], max_connections: 40, drop_pending_updates: false },
    ]);
    expect(r.out).not.toContain(BOT_TOKEN);
    expect(r.out).not.toContain(WEBHOOK_SECRET);
  });

  it("refuses a URL that carries the bot token, or that is not our webhook route", async () => {
    const calls = api.calls.length;
    for (const url of [`https://hotline.example.org/channels/telegram/${BOT_TOKEN}`, `https://hotline.example.org/${BOT_TOKEN.split(":")[1]}/channels/telegram`, "https://hotline.example.org/webhook"]) {
      const r = await cli(["--url", url]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/must not contain the bot token|must end with \/channels\/telegram/);
    }
    expect(api.calls.length).toBe(calls);
  });

  it("reports Telegram's refusal without echoing the request", async () => {
    api.failNext({ match: (r) => r.path.endsWith("/setWebhook"), status: 400, body: { ok: false, error_code: 400, description: "Bad Request: bad webhook: Failed to resolve host" } });
    const r = await cli(["--url", "https://unresolvable.example/channels/telegram"]);
    expect([r.code, r.out.trim()]).toEqual([1, "safe-passage: Telegram refused: Bad Request: bad webhook: Failed to resolve host"]);
  });
});
