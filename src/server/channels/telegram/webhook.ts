import type { FastifyRequest } from "fastify";
import type { AppContext } from "../../context.js";
import type { BaseApp } from "../../http/base.js";
import { AppError } from "../../errors.js";
import { constantTimeEqual, hashToken } from "../../crypto/random.js";
import { handleTelegramUpdate } from "./handle.js";
import { updateIdSchema, updateSchema } from "./schema.js";

export const TELEGRAM_WEBHOOK_PATH = "/channels/telegram";
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * POST /channels/telegram, on the public listener. Why not grammY's webhookCallback: it answers
 * Telegram when the handler returns, but we must decide the answer ourselves (acknowledge only
 * after the commit; 503 so Telegram redelivers when the store fails; 200 for what we will never
 * process, or Telegram would redeliver it for a day) and make the update idempotent in the same
 * transaction as its effects. The bot token is in no URL we serve: Telegram proves itself with
 * the secret token header, compared in constant time (as hashes, so not even its length leaks),
 * before the body is read.
 *
 * Answers: 401 wrong or missing secret (nothing read, nothing stored); 400 not an update at all
 * (no update_id: Telegram never sends that); 200 processed, already processed, or ignored (a
 * group chat, an update kind we do not handle, fields we cannot read); 503 our failure, retry.
 */
export function registerTelegramWebhook(app: BaseApp, ctx: AppContext): void {
  const { telegramBotToken: token, telegramWebhookSecret: secret } = ctx.config;
  if (!token || !secret) return; // the channel is off: the route does not exist
  const expected = hashToken(secret);

  const checkSecret = async (req: FastifyRequest) => {
    const got = req.headers[SECRET_HEADER];
    if (typeof got !== "string" || !constantTimeEqual(hashToken(got), expected)) throw new AppError("unauthenticated", "missing or wrong secret token");
  };

  app.post(TELEGRAM_WEBHOOK_PATH, { onRequest: checkSecret }, async (req) => {
    if (!updateIdSchema.safeParse(req.body).success) throw new AppError("validation_failed", "not a Telegram update");
    const update = updateSchema.safeParse(req.body);
    if (!update.success) {
      req.log.info({ event: "telegram.update_unreadable" }, "update ignored");
      return { ok: true };
    }
    let outcome: string;
    try {
      outcome = await handleTelegramUpdate(ctx, update.data);
    } catch (err) {
      req.log.error({ event: "telegram.update_failed", errorType: (err as Error).name }, "update not processed; Telegram will redeliver it");
      throw new AppError("unavailable", "not processed; retry later");
    }
    req.log.info({ event: "telegram.update", outcome }, "update handled");
    return { ok: true };
  });
}
