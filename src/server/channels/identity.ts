import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { blindIndexes, cases } from "../db/schema.js";
import { slowIdentity, type BlindIndexKind } from "../crypto/blind-index.js";
import { randomBytes } from "../crypto/random.js";
import { mac } from "../crypto/server-key.js";
import { secureMove, wipe } from "../crypto/secure.js";
import { sealAddress, type ContactAddress } from "./address.js";
import { resolveMerged } from "../cases/index.js";
import { channelContacts } from "./tables.js";

/**
 * One person, one case: a channel identity (Telegram account, WhatsApp number, phone number) is
 * a row of channel_contacts pointing at the case its messages join. Only identities a messenger
 * or an operator vouches for are contacts: a Telegram id comes from Telegram, a WhatsApp number
 * from Meta, a phone number from a contact the applicant shared of himself or from an operator's
 * call log. A number typed into the web form is only a blind index (a duplicate hint): were it
 * routing, anyone could type someone else's number and receive his messages in a case he opens
 * with his own receipt code.
 */
export type IdentityChannel = "telegram" | "whatsapp" | "phone";

const INDEX_KIND = { telegram: "telegram_id", whatsapp: "whatsapp", phone: "phone" } as const satisfies Record<IdentityChannel, BlindIndexKind>;

/**
 * A messenger identity as the server keeps it: `index`, its slow blind index (blind-index.ts),
 * and `secret`, a key only someone who knows the id itself can compute (the update carries it):
 * what the bot remembers of a conversation in progress is sealed with it. Wipe `secret` after use.
 */
export interface ChannelIdentity {
  index: string;
  secret: Buffer;
}

/**
 * Recently computed identities, so that a conversation costs one Argon2id run per person and
 * quarter of an hour rather than one per update. Kept in this process's memory only, looked up
 * by a keyed hash under a random key made at start (never stored), bounded in size and age.
 * Someone inside the running server sees these ids pass through anyway (SECURITY.md, adversary 4).
 */
const CACHE_MAX = 2048;
const CACHE_MS = 15 * 60_000;
const cacheKey = randomBytes(32);
const recent = new Map<string, { index: string; secret: Buffer; at: number }>();

const cacheLookup = (kind: string, value: string) => mac(cacheKey, Buffer.from(`${kind}\0${value}`, "utf8")).toString("hex");

export async function channelIdentity(ctx: Pick<AppContext, "keys">, channel: IdentityChannel, value: string): Promise<ChannelIdentity | null> {
  const kind = INDEX_KIND[channel];
  const k = cacheLookup(kind, value);
  const now = Date.now();
  const hit = recent.get(k);
  if (hit && now - hit.at < CACHE_MS) return { index: hit.index, secret: secureMove(Buffer.from(hit.secret)) };
  const fresh = await slowIdentity(ctx.keys.subkey("index"), kind, value);
  if (!fresh) return null;
  if (hit) wipe(hit.secret);
  recent.delete(k);
  while (recent.size >= CACHE_MAX) {
    const [oldest, entry] = recent.entries().next().value as [string, { secret: Buffer }];
    wipe(entry.secret);
    recent.delete(oldest);
  }
  recent.set(k, { index: fresh.index, secret: secureMove(Buffer.from(fresh.secret)), at: now });
  return fresh;
}

/** The blind index of an identity (null when the value does not normalise): one Argon2id run, off the event loop, or a recent result. */
export async function identityIndex(ctx: Pick<AppContext, "keys">, channel: IdentityChannel, value: string): Promise<string | null> {
  const who = await channelIdentity(ctx, channel, value);
  if (!who) return null;
  wipe(who.secret);
  return who.index;
}

/**
 * Serialise work on one identity (PostgreSQL advisory lock, released at commit): two first
 * messages of a new person arriving at once must not open two cases.
 */
export async function lockIdentity(tx: Tx, channel: IdentityChannel, identity: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${channel}:${identity}`}, 7229))`);
}

/**
 * The contact of an identity: `home`, the case it is verified on (the one it opened, or whose
 * receipt code it sent), and `caseId`, the case its messages go into now (the home, or the case
 * the home was merged into). Replies go only to contacts whose home is the replying case.
 */
export async function findContact(tx: Pick<Tx, "select">, channel: IdentityChannel, identity: string): Promise<{ id: string; home: string; caseId: string } | null> {
  const [row] = await tx.select({ id: channelContacts.id, caseId: channelContacts.caseId }).from(channelContacts).where(and(eq(channelContacts.channel, channel), eq(channelContacts.identity, identity)));
  if (!row) return null;
  return { id: row.id, home: row.caseId, caseId: await resolveMerged(tx, row.caseId) };
}

/** What writing into a case without its key needs. */
export async function caseForWriting(tx: Pick<Tx, "select">, caseId: string): Promise<{ id: string; number: number; publicKey: Buffer }> {
  const [row] = await tx.select({ id: cases.id, number: cases.number, publicKey: cases.publicKey }).from(cases).where(eq(cases.id, caseId));
  if (!row?.publicKey) throw new Error("case missing or without a public key");
  return { id: row.id, number: row.number, publicKey: row.publicKey };
}

export type ClaimOutcome = { outcome: "added" | "known"; contactId: string } | { outcome: "elsewhere"; contactId: string; otherCaseId: string };

/**
 * Make `caseId` the home of an identity, unless it already has one: then say where ("elsewhere"),
 * and let the caller leave a note for the operators to merge. The blind index goes on the case
 * either way, so search and duplicate detection see it.
 */
export async function claimIdentity(
  ctx: Pick<AppContext, "keys">,
  tx: Tx,
  input: { caseId: string; channel: IdentityChannel; identity: string; address?: ContactAddress; at: Date },
): Promise<ClaimOutcome> {
  await tx.insert(blindIndexes).values({ caseId: input.caseId, kind: INDEX_KIND[input.channel], value: input.identity }).onConflictDoNothing();
  const id = randomUUID();
  const target = input.address ? await caseForWriting(tx, input.caseId) : null;
  const inserted = await tx
    .insert(channelContacts)
    .values({
      id,
      caseId: input.caseId,
      channel: input.channel,
      identity: input.identity,
      address: input.address && target ? sealAddress(target.publicKey, input.caseId, id, input.address) : null,
      lastInboundAt: input.at,
    })
    .onConflictDoNothing()
    .returning({ id: channelContacts.id });
  if (inserted.length) return { outcome: "added", contactId: id };
  const existing = await findContact(tx, input.channel, input.identity);
  if (!existing) throw new Error("contact vanished during claim");
  if (existing.caseId === input.caseId) return { outcome: "known", contactId: existing.id };
  return { outcome: "elsewhere", contactId: existing.id, otherCaseId: existing.caseId };
}

/** Point an existing contact at another case (the applicant proved with his receipt code that it is his); its address is sealed to that case. */
export async function moveContact(tx: Tx, contactId: string, channel: IdentityChannel, identity: string, caseId: string, address: ContactAddress): Promise<void> {
  const target = await caseForWriting(tx, caseId);
  await tx.update(channelContacts).set({ caseId, address: sealAddress(target.publicKey, caseId, contactId, address) }).where(eq(channelContacts.id, contactId));
  await tx.insert(blindIndexes).values({ caseId, kind: INDEX_KIND[channel], value: identity }).onConflictDoNothing();
}

/** The applicant wrote again: note when, and seal his current address to his contact's case (it may have changed, e.g. the business number). */
export async function touchContact(tx: Tx, contact: { id: string; home: string }, at: Date, address?: ContactAddress): Promise<void> {
  const home = address ? await caseForWriting(tx, contact.home) : null;
  await tx
    .update(channelContacts)
    .set({ lastInboundAt: at, ...(address && home ? { address: sealAddress(home.publicKey, contact.home, contact.id, address) } : {}) })
    .where(eq(channelContacts.id, contact.id));
}
