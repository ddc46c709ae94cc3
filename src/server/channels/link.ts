import { and, eq, isNotNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { cases } from "../db/schema.js";
import { normaliseReceiptCode, receiptLookupKey, verifyReceiptCandidates } from "../crypto/receipt.js";
import { recordChange } from "../cases/index.js";
import { appendChannelRecord } from "./conversation.js";
import { caseForWriting, claimIdentity, findContact, moveContact, type IdentityChannel } from "./identity.js";
import { fill, texts } from "./telegram/catalog.js";
import type { ContactAddress } from "./address.js";

/**
 * Linking channels: an applicant who left a request on the web form sends his receipt code to
 * the bot, and from then on his messenger writes into that case. The code is checked like a
 * return visit on the site: lookup key, then the slow hash of every candidate (a dummy one when
 * there is none), so a wrong code and an unknown code cost the same and get the same answer.
 * The code itself is never stored, not even in the thread: it is a credential.
 */

/** Does this text look like a receipt code (16 digits, or 7 words of the list)? Cheap, no hashing. */
export function looksLikeReceipt(text: string): boolean {
  return normaliseReceiptCode(text) !== null;
}

/**
 * After "send your code", is this text a try at one (16 digits mistyped, words of the list with
 * a slip)? Then it is answered "not recognised" and not stored, like a code. Anything else is an
 * ordinary message: it is kept, so a person who writes instead of sending a code loses nothing.
 */
export function looksLikeCodeAttempt(text: string): boolean {
  const t = text.normalize("NFKC").trim();
  if (/^[\d\s\-.()+]{6,40}$/.test(t)) return true;
  const words = t.split(/\s+/);
  return words.length >= 5 && words.length <= 9 && words.every((w) => /^[\p{L}]{2,12}$/u.test(w));
}

/** Attempts per identity and window, so a bot account cannot turn the slow hash into a CPU sink. */
const ATTEMPTS = 5;
const WINDOW_MS = 15 * 60_000;
const attempts = new Map<string, number[]>();

function linkAttemptAllowed(identity: string, now: number): boolean {
  const recent = (attempts.get(identity) ?? []).filter((t) => now - t < WINDOW_MS);
  if (attempts.size > 10_000) attempts.clear(); // bounded memory under a flood; the window restarts
  if (recent.length >= ATTEMPTS) {
    attempts.set(identity, recent);
    return false;
  }
  recent.push(now);
  attempts.set(identity, recent);
  return true;
}

export type ReceiptCheck = { kind: "throttled" } | { kind: "wrong" } | { kind: "linked"; caseId: string };

/** Check a receipt code sent from a messenger identity (throttled per identity). Argon2id: call it outside any transaction. */
export async function checkReceipt(ctx: AppContext, identity: string, code: string): Promise<ReceiptCheck> {
  if (!linkAttemptAllowed(identity, Date.now())) return { kind: "throttled" };
  const caseId = await caseByReceipt(ctx, code);
  return caseId ? { kind: "linked", caseId } : { kind: "wrong" };
}

/**
 * The case a receipt code belongs to, or null. Never the case it was merged into: a merge is an
 * operator's guess from typed, unverified values, and must not hand the code's bearer the other
 * case's replies. A merged-away code links the messenger to its own old case only.
 */
async function caseByReceipt(ctx: AppContext, code: string): Promise<string | null> {
  const lookup = receiptLookupKey(code, ctx.keys.subkey("index"));
  const candidates = lookup
    ? ((await ctx.db
        .select({ id: cases.id, receiptHash: cases.receiptHash })
        .from(cases)
        .where(and(eq(cases.receiptLookup, lookup), isNotNull(cases.receiptHash)))) as { id: string; receiptHash: string }[])
    : [];
  const match = await verifyReceiptCandidates(code, candidates);
  return match?.id ?? null;
}

/**
 * Make `targetCaseId` the home of this identity. If it wrote into another case before, that case
 * stays as it is (its history is the applicant's too) and both get a note asking the operators
 * to merge them: merging needs their keys, which the server does not have.
 */
export async function linkIdentity(
  ctx: AppContext,
  tx: Tx,
  input: { channel: IdentityChannel; identity: string; address: ContactAddress; targetCaseId: string; at: Date },
): Promise<void> {
  const target = await caseForWriting(tx, input.targetCaseId);
  const name = texts.notes.channels[input.channel];
  const before = await findContact(tx, input.channel, input.identity);
  if (before && before.home === target.id) return;
  if (before) {
    const old = await caseForWriting(tx, before.home);
    await moveContact(tx, before.id, input.channel, input.identity, target.id, input.address);
    await appendChannelRecord(ctx, tx, { caseId: old.id, casePublicKey: old.publicKey, channel: input.channel, direction: "note", text: fill(texts.notes.linkedAway, { number: target.number, channel: name }), at: input.at });
    await appendChannelRecord(ctx, tx, { caseId: target.id, casePublicKey: target.publicKey, channel: input.channel, direction: "note", text: fill(texts.notes.linkedFrom, { number: old.number, channel: name }), at: input.at });
  } else {
    await claimIdentity(ctx, tx, { caseId: target.id, channel: input.channel, identity: input.identity, address: input.address, at: input.at });
  }
  await appendChannelRecord(ctx, tx, { caseId: target.id, casePublicKey: target.publicKey, channel: input.channel, direction: "note", text: fill(texts.notes.linkedHere, { channel: name }), at: input.at });
  await recordChange(ctx, tx, { actorId: null, action: "channel.linked", caseId: target.id, details: { channel: input.channel, ...(before ? { from: before.home } : {}) }, notify: null });
}
