import type { AppContext } from "../context.js";
import { mac, openWithServerKey, sealWithServerKey } from "../crypto/server-key.js";
import { CryptoError } from "../crypto/errors.js";

/**
 * What the channels keep under the server's "channels" sub-key rather than a case key: what the
 * delivery job must read with nobody signed in (a chat address, a reply waiting to be sent, a
 * file id to fetch). The key file lives outside the database, so a stolen database or backup
 * opens none of it. Someone holding both the database and the key file could read these, as he
 * could already enumerate the blind indexes of Telegram ids and phone numbers with the index
 * key; payloads are wiped as soon as they are delivered, so that exposure is short.
 *
 * Every sealed value is bound to its table and row id: a payload copied onto another row fails
 * to open instead of sending a reply to the wrong person.
 */
export function sealJson(ctx: Pick<AppContext, "keys">, where: string, value: unknown): Buffer {
  return sealWithServerKey(ctx.keys.subkey("channels"), Buffer.from(JSON.stringify(value), "utf8"), where);
}

export function openJson(ctx: Pick<AppContext, "keys">, where: string, sealed: Buffer): unknown {
  let plain: Buffer;
  try {
    plain = openWithServerKey(ctx.keys.subkey("channels"), sealed, where);
  } catch {
    throw new CryptoError("DECRYPT_FAILED", `${where.split(":")[0]}: wrong key, wrong row or altered data`);
  }
  try {
    return JSON.parse(plain.toString("utf8"));
  } finally {
    plain.fill(0);
  }
}

/** Associated data of a contact's sealed address (channel_contacts.address). */
export const addressContext = (contactId: string) => `channel_contacts:${contactId}`;

/** A keyed hash of external ids (update ids, chat and message ids): equality without the ids themselves. */
export function channelKey(ctx: Pick<AppContext, "keys">, ...parts: (string | number)[]): Buffer {
  return mac(ctx.keys.subkey("channels"), Buffer.from(parts.map(String).join("\0"), "utf8"));
}
