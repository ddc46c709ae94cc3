import { decryptJson, encryptJson } from "../crypto/fields.js";
import { wipe } from "../crypto/secure.js";
import { sealedWriteKey } from "../cases/index.js";

/** Where a contact's replies go: a Telegram chat, or a WhatsApp number and our sending number's id. */
export type ContactAddress = { channel: "telegram"; chatId: number } | { channel: "whatsapp"; to: string; via: string };

const addressContext = (caseId: string, contactId: string) => ({ caseId, table: "channel_contacts", field: "address", rowId: contactId });

/**
 * A contact's address sealed to its case (issue 10, item 4): a one-off key sealed to the case
 * public key, then the address under that key, stored as [length of sealed key][sealed key]
 * [ciphertext], bound to the case and the contact row. Channels write it without the case key;
 * staff who reply hold the case key and open it; the server's key file alone opens nothing.
 */
export function sealAddress(casePublicKey: Buffer, caseId: string, contactId: string, address: ContactAddress): Buffer {
  const { key, sealedKey } = sealedWriteKey(casePublicKey);
  try {
    return Buffer.concat([Buffer.from([sealedKey.length]), sealedKey, encryptJson(key, addressContext(caseId, contactId), address)]);
  } finally {
    wipe(key);
  }
}

/** Open a contact's address with the case's keyring (built from the replying staff member's case key). */
export async function openAddress(keyring: { rowKey(sealedKey: Buffer | null): Promise<Buffer> }, caseId: string, contactId: string, stored: Buffer): Promise<ContactAddress> {
  const n = stored[0] ?? 0;
  const key = await keyring.rowKey(stored.subarray(1, 1 + n));
  return decryptJson(key, addressContext(caseId, contactId), stored.subarray(1 + n)) as ContactAddress;
}
