import { createHmac } from "node:crypto";
import { z } from "zod";
import type { AppContext } from "../../context.js";
import type { BaseApp } from "../../http/base.js";
import { AppError } from "../../errors.js";
import { constantTimeEqual, hashToken } from "../../crypto/random.js";
import { wakeOutbox } from "../outbox/outbox.js";
import { handleWhatsAppMessage } from "./handle.js";
import { envelopeSchema, messageSchema, profileSchema } from "./schema.js";

export const WHATSAPP_WEBHOOK_PATH = "/channels/whatsapp";

const verifyQuery = z.object({ "hub.mode": z.string().max(32), "hub.verify_token": z.string().max(512), "hub.challenge": z.string().regex(/^[\w-]{1,256}$/) });

/**
 * GET and POST /channels/whatsapp, on the public listener.
 * - GET: Meta's subscription handshake; the challenge is echoed only for our verify token.
 * - POST: the body is read raw (this route scope has its own JSON parser) because the signature
 *   X-Hub-Signature-256 is an HMAC-SHA256 of the exact bytes under the app secret, compared in
 *   constant time before anything is parsed or stored. Then each message is applied once; the
 *   answer is 200 after the commit, 503 when the store failed (Meta redelivers), 401 for a bad
 *   signature, 400 for bytes that are not JSON. A signed payload we cannot read gets 200: Meta
 *   would otherwise redeliver it for a week.
 */
export async function registerWhatsAppWebhook(app: BaseApp, ctx: AppContext): Promise<void> {
  const { whatsappAppSecret: appSecret, whatsappVerifyToken: verifyToken } = ctx.config;
  if (!appSecret || !verifyToken) return; // the channel is off
  const expectedToken = hashToken(verifyToken);

  await app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

    scope.get(WHATSAPP_WEBHOOK_PATH, async (req, reply) => {
      const q = verifyQuery.safeParse(req.query);
      if (!q.success || q.data["hub.mode"] !== "subscribe" || !constantTimeEqual(hashToken(q.data["hub.verify_token"]), expectedToken)) {
        throw new AppError("forbidden", "verification refused");
      }
      return reply.type("text/plain; charset=utf-8").send(q.data["hub.challenge"]);
    });

    scope.post(WHATSAPP_WEBHOOK_PATH, async (req) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers["x-hub-signature-256"];
      const expected = `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
      if (typeof header !== "string" || !constantTimeEqual(hashToken(header), hashToken(expected))) throw new AppError("unauthenticated", "missing or wrong signature");
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new AppError("bad_request", "the body is not JSON");
      }
      const envelope = envelopeSchema.safeParse(body);
      if (!envelope.success) {
        req.log.info({ event: "whatsapp.payload_unreadable" }, "payload ignored");
        return { ok: true };
      }
      const counts = { processed: 0, duplicate: 0, ignored: 0, stale: 0 };
      try {
        for (const entry of envelope.data.entry) {
          for (const change of entry.changes) {
            const via = change.value.metadata?.phone_number_id;
            if (change.field !== "messages" || !via) continue;
            const profiles = (change.value.contacts ?? []).flatMap((c) => {
              const p = profileSchema.safeParse(c);
              return p.success ? [p.data] : [];
            });
            for (const item of change.value.messages ?? []) {
              const m = messageSchema.safeParse(item);
              if (!m.success) {
                counts.ignored++;
                continue;
              }
              const name = profiles.find((p) => p.wa_id === m.data.from)?.profile?.name;
              counts[await handleWhatsAppMessage(ctx, via, name, m.data)]++;
            }
          }
        }
      } catch (err) {
        req.log.error({ event: "whatsapp.message_failed", errorType: (err as Error).name }, "message not processed; Meta will redeliver the payload");
        throw new AppError("unavailable", "not processed; retry later");
      } finally {
        if (counts.processed) wakeOutbox();
      }
      req.log.info({ event: "whatsapp.payload", ...counts }, "payload handled");
      return { ok: true };
    });
  });
}
