import type { AppContext } from "../context.js";
import { mac, openWithServerKey, sealWithServerKey } from "../crypto/server-key.js";
import { CryptoError } from "../crypto/errors.js";

/**
 * What the channels keep under the server's "channels" sub-key: what the delivery job must read
 * with nobody signed in (a message waiting to be sent with its address, a file id to fetch),
 * wiped as soon as the row is final. The key file lives outside the database, so a stolen
 * database or backup opens none of it; someone who holds both could read what is still waiting.
 * Nothing that stays is kept this way (issue 10, item 4): a contact's address is sealed to its
 * case (address.ts), a questionnaire in progress under the applicant's identity secret.
 *
 * Every sealed value is bound to its table and row id: a payload copied onto another row fails
 * to open instead of sending a reply to the wrong person.
 */
export function sealJson(ctx: Pick<AppContext, "keys">, where: string, value: unknown): Buffer {
  return sealJsonWith(ctx.keys.subkey("channels"), where, value);
}

export function openJson(ctx: Pick<AppContext, "keys">, where: string, sealed: Buffer): unknown {
  return openJsonWith(ctx.keys.subkey("channels"), where, sealed);
}

/** The same under another 32-byte key (e.g. an identity's secret, see identity.ts). */
export function sealJsonWith(key: Buffer, where: string, value: unknown): Buffer {
  return sealWithServerKey(key, Buffer.from(JSON.stringify(value), "utf8"), where);
}

export function openJsonWith(key: Buffer, where: string, sealed: Buffer): unknown {
  let plain: Buffer;
  try {
    plain = openWithServerKey(key, sealed, where);
  } catch {
    throw new CryptoError("DECRYPT_FAILED", `${where.split(":")[0]}: wrong key, wrong row or altered data`);
  }
  try {
    return JSON.parse(plain.toString("utf8"));
  } finally {
    plain.fill(0);
  }
}

/** A keyed hash of external ids (update ids, chat and message ids): equality without the ids themselves. */
export function channelKey(ctx: Pick<AppContext, "keys">, ...parts: (string | number)[]): Buffer {
  return mac(ctx.keys.subkey("channels"), Buffer.from(parts.map(String).join("\0"), "utf8"));
}
