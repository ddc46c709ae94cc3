import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import { recordIntake, type IntakeInput, recordChange, insertSealedMessage } from "../cases/index.js";
import { eq } from "drizzle-orm";
import { channelUpdates } from "./tables.js";
import { caseForWriting, claimIdentity, findContact, identityIndex, lockIdentity, touchContact, type IdentityChannel } from "./identity.js";
import { fill, texts } from "./telegram/catalog.js";
import type { ContactAddress } from "./address.js";

/** An open transaction, as `db.transaction` hands it over (it can nest: drizzle makes a savepoint). */
export type DbTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Run the effects of one inbound update in one transaction that also records the update as
 * processed. The marker is inserted first: a second delivery of the same update waits for the
 * first one's transaction, then finds the marker and does nothing. So an update has its effect
 * exactly once, and the webhook acknowledges only after the commit.
 */
export async function inUpdateTransaction<T>(ctx: AppContext, channel: "telegram" | "whatsapp", key: Buffer, fn: (tx: DbTx) => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
  return ctx.db.transaction(async (tx) => {
    const fresh = await tx.insert(channelUpdates).values({ key, channel, receivedAt: ctx.now() }).onConflictDoNothing().returning({ key: channelUpdates.key });
    if (fresh.length === 0) return { duplicate: true as const };
    return { duplicate: false as const, value: await fn(tx) };
  });
}

/**
 * How long the processed-update markers are kept (Telegram redelivers for a day, Meta for a week),
 * and the oldest update taken at all. The markers are what make an update apply once; after they
 * are pruned, an old signed update could be posted again and would apply again. So an update is
 * judged by its own date: one older than the marker window minus a day (for clock skew) is
 * refused, and every update that is taken still has its marker when it could come back.
 */
export const UPDATE_MARKER_DAYS = 14;
const MAX_UPDATE_AGE_MS = (UPDATE_MARKER_DAYS - 1) * 86_400_000;

/** Is an update sent at `unixSeconds` (the messenger's own date) too old to be taken? A missing date counts as too old. */
export function isStale(ctx: Pick<AppContext, "now">, unixSeconds: number | undefined): boolean {
  if (unixSeconds === undefined || !(unixSeconds > 0)) return true;
  return ctx.now().getTime() - unixSeconds * 1000 > MAX_UPDATE_AGE_MS;
}

/** Has this update been processed already? A hint to skip slow work; the marker in the transaction decides. */
export async function alreadyProcessed(ctx: AppContext, key: Buffer): Promise<boolean> {
  return (await ctx.db.select({ key: channelUpdates.key }).from(channelUpdates).where(eq(channelUpdates.key, key))).length > 0;
}

export interface Conversation {
  caseId: string;
  caseNumber: number;
  casePublicKey: Buffer;
  contactId: string;
  created: boolean;
}

/**
 * The case a message from this identity goes into: its contact's case (after merges), or a new
 * case opened for a first contact. The new case is recorded by the ordinary intake command,
 * inside our transaction, so the case, the contact and the update marker commit together.
 */
export async function openConversation(
  ctx: AppContext,
  tx: DbTx,
  input: { channel: IdentityChannel & IntakeInput["channel"]; identity: string; address: ContactAddress; at: Date; newCase: () => Pick<IntakeInput, "sections" | "identifiers"> },
): Promise<Conversation> {
  await lockIdentity(tx, input.channel, input.identity);
  const known = await findContact(tx, input.channel, input.identity);
  if (known) {
    await touchContact(tx, known, input.at, input.address);
    const c = await caseForWriting(tx, known.caseId);
    return { caseId: c.id, caseNumber: c.number, casePublicKey: c.publicKey, contactId: known.id, created: false };
  }
  const { caseId } = await recordIntake({ ...ctx, db: tx }, { channel: input.channel, ...input.newCase() });
  const claim = await claimIdentity(ctx, tx, { caseId, channel: input.channel, identity: input.identity, address: input.address, at: input.at });
  const c = await caseForWriting(tx, caseId);
  return { caseId, caseNumber: c.number, casePublicKey: c.publicKey, contactId: claim.contactId, created: true };
}

/**
 * A message the applicant does not write but should see in the thread, or the operators should:
 * the bot's own messages ("out", queued for delivery) and system notes ("note"). Sealed to the
 * case public key like inbound messages; the unread count does not move.
 */
export async function appendChannelRecord(
  ctx: Pick<AppContext, "keys" | "now">,
  tx: Tx,
  input: { caseId: string; casePublicKey: Buffer; channel: IdentityChannel; direction: "out" | "note"; text: string; at: Date; authorUserId?: string },
): Promise<{ id: string }> {
  const { id } = await insertSealedMessage(tx, input);
  await recordChange(ctx, tx, { actorId: input.authorUserId ?? null, action: null, caseId: input.caseId, notify: "case.message" });
  return { id };
}

/**
 * A phone number a messenger or an operator vouches for becomes a phone contact of the case, so
 * the next call from it joins this case. If it already belongs to another case, it stays there
 * and the other case gets a note: the same person is probably behind both, and operators merge.
 * This case gets the note too only when `mayKnow` says whoever writes here may know of the other
 * case (it is in his scope): otherwise the note would tell him that the number is known.
 */
export async function claimVerifiedPhone(
  ctx: AppContext,
  tx: Tx,
  input: { caseId: string; casePublicKey: Buffer; caseNumber: number; phone: string; channel: IdentityChannel; at: Date; mayKnow?: (otherCaseId: string) => Promise<boolean> },
): Promise<void> {
  const identity = await identityIndex(ctx, "phone", input.phone);
  if (!identity) return;
  await lockIdentity(tx, "phone", identity);
  const claim = await claimIdentity(ctx, tx, { caseId: input.caseId, channel: "phone", identity, at: input.at });
  if (claim.outcome !== "elsewhere") return;
  const other = await caseForWriting(tx, claim.otherCaseId);
  const told = input.mayKnow ? await input.mayKnow(other.id) : true;
  const note = (caseId: string, publicKey: Buffer, text: string) => appendChannelRecord(ctx, tx, { caseId, casePublicKey: publicKey, channel: input.channel, direction: "note", text, at: input.at });
  if (told) await note(input.caseId, input.casePublicKey, fill(texts.notes.identityElsewhere, { number: other.number }));
  await note(other.id, other.publicKey, fill(told ? texts.notes.identityElsewhere : texts.notes.callElsewhere, { number: input.caseNumber }));
}
