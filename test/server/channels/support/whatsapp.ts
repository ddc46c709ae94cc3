import { createHmac } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { WA_APP_SECRET, type Harness } from "./harness.js";

export const PHONE_NUMBER_ID = "106540352242922";

/** A Cloud API webhook payload carrying one message, as Meta sends it. */
export function waPayload(from: string, message: Record<string, unknown>, name = "Тест") {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, timestamp: "1692806400", ...message }],
            },
          },
        ],
      },
    ],
  };
}

export const sign = (raw: Buffer | string, secret = WA_APP_SECRET) => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

export function postWhatsApp(h: Harness, body: string | object | Buffer, signature?: string | null): Promise<LightMyRequestResponse> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const sig = signature === undefined ? sign(raw) : signature;
  return h.pub.inject({ method: "POST", url: "/channels/whatsapp", headers: { "content-type": "application/json", ...(sig !== null ? { "x-hub-signature-256": sig } : {}) }, payload: raw });
}
