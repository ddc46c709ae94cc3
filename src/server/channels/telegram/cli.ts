import type { Command } from "commander";
import { GrammyError } from "grammy";
import { loadConfig, type Config } from "../../config.js";
import { telegramApi } from "../outbox/transports.js";
import { TELEGRAM_WEBHOOK_PATH } from "./webhook.js";

/** Updates the bot handles; Telegram sends no others (polls, reactions, member changes stay away). */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;

/**
 * Register our webhook with Telegram: the URL of POST /channels/telegram and the secret token
 * Telegram will send with every update. The URL must not contain the bot token (the mistake
 * Chatwoot makes): the secret header is what proves an update comes from Telegram.
 */
export async function setTelegramWebhook(config: Config, opts: { url?: string; dropPending?: boolean }): Promise<string> {
  const api = telegramApi(config);
  if (!api || !config.telegramWebhookSecret) throw new Error("set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first");
  const url = opts.url ?? config.telegramWebhookUrl;
  if (!url) throw new Error("give --url (or TELEGRAM_WEBHOOK_URL): the public HTTPS address of " + TELEGRAM_WEBHOOK_PATH);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("the webhook URL is not a URL");
  }
  const token = config.telegramBotToken ?? "";
  if (url.includes(token) || url.includes(token.split(":")[1] ?? token)) throw new Error("the webhook URL must not contain the bot token");
  if (parsed.protocol !== "https:" && config.telegramApiBase === "https://api.telegram.org") throw new Error("Telegram only delivers to https:// URLs");
  if (!parsed.pathname.endsWith(TELEGRAM_WEBHOOK_PATH)) throw new Error(`the webhook URL must end with ${TELEGRAM_WEBHOOK_PATH}`);
  try {
    await api.setWebhook(url, { secret_token: config.telegramWebhookSecret, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40, drop_pending_updates: opts.dropPending ?? false });
  } catch (err) {
    // Telegram's own description (e.g. "bad webhook: …"); never the request, which carries the token.
    throw new Error(err instanceof GrammyError ? `Telegram refused: ${err.description}` : "could not reach the Telegram Bot API");
  }
  return `${parsed.origin}${parsed.pathname}`;
}

export function registerTelegramCommands(program: Command): void {
  const telegram = program.command("telegram").description("the Telegram bot");
  telegram
    .command("set-webhook")
    .description("register POST /channels/telegram with Telegram, with TELEGRAM_WEBHOOK_SECRET as its secret token")
    .option("--url <url>", "public HTTPS URL of /channels/telegram (env TELEGRAM_WEBHOOK_URL)")
    .option("--drop-pending", "discard updates Telegram holds for the bot")
    .action(async (flags: { url?: string; dropPending?: boolean }) => {
      const where = await setTelegramWebhook(loadConfig({ logLevel: "warn" }), flags);
      console.log(`Telegram webhook set: ${where} (secret token on, updates: ${ALLOWED_UPDATES.join(", ")})`);
    });
}
