import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import { cases, messages } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { wipe } from "../crypto/secure.js";
import type { Channel } from "../../shared/case-states.js";
import { messageContext } from "./sections.js";
import { sealedWriteKey } from "./case-cipher.js";

/**
 * A message from the applicant on a channel, added to his case by the server, which holds no
 * case key: the body is sealed to the case's public key (see case-cipher.ts). The case's unread
 * count and last-inbound time move; the caller commits it with whatever else it records.
 */
export async function appendInboundMessage(tx: Tx, input: { caseId: string; casePublicKey: Buffer; channel: Channel; text: string; at: Date; replacesId?: string }) {
  const id = randomUUID();
  const { key, sealedKey } = sealedWriteKey(input.casePublicKey);
  try {
    await tx.insert(messages).values({
      id,
      caseId: input.caseId,
      direction: "in",
      channel: input.channel,
      body: encryptField(key, messageContext(input.caseId, id), input.text),
      sealedKey,
      createdAt: input.at,
      replacesId: input.replacesId ?? null,
    });
  } finally {
    wipe(key);
  }
  await tx
    .update(cases)
    .set({ unreadCount: sql`${cases.unreadCount} + 1`, lastInboundAt: input.at, updatedAt: input.at })
    .where(eq(cases.id, input.caseId));
  return { id };
}
