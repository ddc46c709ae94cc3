import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import { cases, messages } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { wipe } from "../crypto/secure.js";
import type { Channel } from "../../shared/case-states.js";
import { messageContext } from "./sections.js";
import { sealedWriteKey } from "./case-cipher.js";
import type { AppContext } from "../context.js";
import { recordChange } from "./change.js";
import { resolveMerged } from "./merge.js";

/**
 * Insert one message row written without the case key: the body under a one-off key sealed to
 * the case public key. Shared by applicant messages and by the channels' own records (bot
 * replies, system notes); callers update the case and notify as their kind of message needs.
 */
export async function insertSealedMessage(
  tx: Tx,
  input: { caseId: string; casePublicKey: Buffer; channel: string; direction: "in" | "out" | "note"; text: string; at: Date; replacesId?: string; authorUserId?: string },
) {
  const id = randomUUID();
  const { key, sealedKey } = sealedWriteKey(input.casePublicKey);
  try {
    await tx.insert(messages).values({
      id,
      caseId: input.caseId,
      direction: input.direction,
      channel: input.channel,
      authorUserId: input.authorUserId ?? null,
      body: encryptField(key, messageContext(input.caseId, id), input.text),
      sealedKey,
      createdAt: input.at,
      replacesId: input.replacesId ?? null,
      deliveryState: input.direction === "out" ? "queued" : null,
    });
  } finally {
    wipe(key);
  }
  return { id };
}

/**
 * A message from the applicant on a channel, added to his case by the server, which holds no
 * case key: the body is sealed to the case's public key (see case-cipher.ts). The case's unread
 * count and last-inbound time move; the caller commits it with whatever else it records.
 * A caller that found the case by a channel identity passes `resolveMerged(db, id)` (merge.ts),
 * so a person whose case was merged keeps writing into the case that goes on.
 */
export async function appendInboundMessage(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, input: { caseId: string; casePublicKey: Buffer; channel: Channel; text: string; at: Date; replacesId?: string }) {
  // Should a caller still hold a merged case, the message goes on into the case it was merged into.
  const caseId = await resolveMerged(tx, input.caseId);
  if (caseId !== input.caseId) {
    const [target] = await tx.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, caseId));
    if (!target?.publicKey) throw new Error("the merged-into case has no public key");
    input = { ...input, caseId, casePublicKey: target.publicKey };
  }
  const { id } = await insertSealedMessage(tx, { ...input, direction: "in" });
  await tx
    .update(cases)
    .set({ unreadCount: sql`${cases.unreadCount} + 1`, lastInboundAt: input.at, updatedAt: input.at })
    .where(eq(cases.id, input.caseId));
  // Delivered to the consoles when the caller's transaction commits.
  await recordChange(ctx, tx, { actorId: null, action: null, caseId: input.caseId, notify: "case.message" });
  return { id, caseId: input.caseId };
}
