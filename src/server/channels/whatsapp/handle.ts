import type { AppContext } from "../../context.js";
import { appendInboundMessage, applicantSide } from "../../cases/index.js";
import { normalisePhone } from "../../crypto/normalise.js";
import { channelKey } from "../sealing.js";
import { alreadyProcessed, appendChannelRecord, claimVerifiedPhone, inUpdateTransaction, isStale, openConversation } from "../conversation.js";
import { findContact, identityIndex, lockIdentity } from "../identity.js";
import { checkReceipt, linkIdentity, looksLikeReceipt } from "../link.js";
import { enqueue, queueText, type ContactAddress } from "../outbox/outbox.js";
import { locationLine, mediaLine, texts, type MediaKind } from "../telegram/catalog.js";
import type { WaMessage } from "./schema.js";
import { CATALOGS } from "../../intake/i18n.js";

/**
 * One WhatsApp message, applied once (keyed by its message id; Meta redelivers whole payloads).
 * Text, location and media come in; media is fetched by the outbox worker and stored encrypted.
 * The sender's number is vouched for by WhatsApp, so it is both his WhatsApp identity and a
 * phone identity: a call logged from the same number joins the same case. As in the bot, a
 * receipt code links the number to the web request it belongs to.
 */
const MEDIA_TYPES = ["image", "document", "audio", "voice", "video"] as const satisfies readonly MediaKind[];
type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (t: string): t is MediaType => (MEDIA_TYPES as readonly string[]).includes(t);
const EXT: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "video/mp4": "mp4", "application/pdf": "pdf" };

/** What the message puts into the thread, or null for kinds we do not keep (reactions, stickers, system messages). */
function threadLine(m: WaMessage): string | null {
  if (m.type === "text") return m.text?.body ?? null;
  if (m.type === "location" && m.location) return [locationLine(m.location.latitude, m.location.longitude), m.location.name, m.location.address].filter(Boolean).join("\n");
  if (isMediaType(m.type) && m[m.type]) return mediaLine(m.type, m[m.type]?.caption);
  return null;
}

export async function handleWhatsAppMessage(ctx: AppContext, via: string, profileName: string | undefined, m: WaMessage): Promise<"processed" | "duplicate" | "ignored" | "stale"> {
  if (isStale(ctx, m.timestamp === undefined ? undefined : Number(m.timestamp))) return "stale";
  const key = channelKey(ctx, "whatsapp", m.id);
  // Meta redelivers whole payloads, and the identity costs an Argon2id run: skip a known message early.
  if (await alreadyProcessed(ctx, key)) return "duplicate";
  const number = normalisePhone(`+${m.from}`);
  const identity = number ? await identityIndex(ctx, "whatsapp", number) : null;
  if (!number || !identity) return "ignored";
  const address: ContactAddress = { channel: "whatsapp", to: m.from, via };
  const to = { address, identity };
  const at = ctx.now();
  const text = m.type === "text" ? m.text?.body : undefined;
  const receipt = text !== undefined && looksLikeReceipt(text) ? await checkReceipt(ctx, identity, text) : null;

  const newCase = () => ({
    sections: { contact: { preferred: "whatsapp", whatsapp: number, ...(profileName ? { whatsapp_name: profileName } : {}) } },
    identifiers: { whatsapp: number, phone: number },
  });

  const result = await inUpdateTransaction(ctx, "whatsapp", key, async (tx) => {
    if (receipt) {
      // The code is a credential: it is answered, never written to the thread.
      if (receipt.kind === "linked") await linkIdentity(ctx, tx, { channel: "whatsapp", identity, address, targetCaseId: receipt.caseId, at });
      await lockIdentity(tx, "whatsapp", identity);
      const known = await findContact(tx, "whatsapp", identity);
      const conv = known ? await openConversation(ctx, tx, { channel: "whatsapp", identity, address, at, newCase }) : null;
      const reply = { throttled: texts.link.tooMany, linked: texts.link.linked, wrong: texts.link.notRecognised }[receipt.kind];
      const out = conv ? await appendChannelRecord(ctx, tx, { caseId: conv.caseId, casePublicKey: conv.casePublicKey, channel: "whatsapp", direction: "out", text: reply, at }) : null;
      await queueText(ctx, tx, to, { ...(conv ? { caseId: conv.caseId } : {}), ...(out ? { messageId: out.id } : {}), text: reply });
      return;
    }
    const line = threadLine(m);
    if (line === null) return;
    const conv = await openConversation(ctx, tx, { channel: "whatsapp", identity, address, at, newCase });
    if (conv.created) await claimVerifiedPhone(ctx, tx, { caseId: conv.caseId, casePublicKey: conv.casePublicKey, caseNumber: conv.caseNumber, phone: number, channel: "whatsapp", at });
    const { id } = await appendInboundMessage(ctx, tx, { caseId: conv.caseId, casePublicKey: conv.casePublicKey, channel: "whatsapp", text: line, at });
    // His "Подтверждаю" under the instructions: recorded for the coordinator, and answered.
    if (text !== undefined && applicantSide().isConfirmation(text) && (await applicantSide().confirm(ctx, tx, conv.caseId, "whatsapp"))) {
      const ack = CATALOGS.ru.operations.confirmed;
      const out = await appendChannelRecord(ctx, tx, { caseId: conv.caseId, casePublicKey: conv.casePublicKey, channel: "whatsapp", direction: "out", text: ack, at });
      await queueText(ctx, tx, to, { caseId: conv.caseId, messageId: out.id, text: ack });
    }
    const media = isMediaType(m.type) ? m[m.type] : undefined;
    if (media) {
      const type = media.mime_type?.split(";")[0]?.trim() || "application/octet-stream";
      const name = media.filename ?? `${m.type}.${EXT[type] ?? "bin"}`;
      await enqueue(ctx, tx, { kind: "whatsapp.fetch", caseId: conv.caseId, messageId: id, payload: { mediaId: media.id, name: name.slice(0, 255), type: type.slice(0, 100) } });
    }
  });
  return result.duplicate ? "duplicate" : "processed";
}
