import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, lt, notInArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { cases, messages } from "../db/schema.js";
import { decryptFieldText, encryptField } from "../crypto/fields.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { withCaseKey } from "./access.js";
import { caseKeyring } from "./case-cipher.js";
import { recordChange } from "./change.js";
import { moveCase } from "./transitions.js";
import { replyDispatch, type ReplyInput } from "./reply-dispatch.js";
import { messageContext, type SectionName } from "./sections.js";

export interface OpenedCase {
  row: typeof cases.$inferSelect;
  sections: Partial<Record<SectionName, Record<string, unknown>>>;
  messages: { id: string; direction: string; channel: string; authorUserId: string | null; body: string; createdAt: Date; deliveryState: string | null; replacesId: string | null }[];
}

/**
 * The messages of a case in arrival order, notes included, decrypted: rows written with the case
 * key, and rows sealed to the case's public key by a channel while nobody held the case key.
 */
export async function readThread(ctx: AppContext, caseId: string, caseKey: Buffer, casePublicKey: Buffer | null): Promise<OpenedCase["messages"]> {
  const rows = await ctx.db.select().from(messages).where(eq(messages.caseId, caseId)).orderBy(asc(messages.seq));
  const sealed: { id: string; text: string }[] = [];
  const opened = await openMessages(ctx, caseId, caseKey, casePublicKey, rows, (m, body) => {
    if (m.sealedKey) sealed.push({ id: m.id, text: body });
    return {
      id: m.id,
      direction: m.direction,
      channel: m.channel,
      authorUserId: m.authorUserId,
      body,
      createdAt: m.createdAt,
      deliveryState: m.deliveryState,
      replacesId: m.replacesId,
    };
  });
  if (sealed.length) await resealUnderCaseKey(ctx, caseId, caseKey, sealed);
  return opened;
}

/**
 * A channel writes a message without the case key: a one-off key sealed to the case's public key,
 * which costs a public-key open on every read (a thread of 200 such messages took 33-89 ms to
 * open). The first staff member to read them holds the case key, so each is re-encrypted under it
 * there and then, and later opens are AEAD only. Nothing is lost to anyone: whoever can open the
 * sealed key holds the case key. Best effort: a failure leaves the row as it was, still readable.
 */
async function resealUnderCaseKey(ctx: AppContext, caseId: string, caseKey: Buffer, sealed: { id: string; text: string }[]): Promise<void> {
  try {
    await ctx.db.transaction(async (tx) => {
      for (const m of sealed) {
        await tx
          .update(messages)
          .set({ body: encryptField(caseKey, messageContext(caseId, m.id), m.text), sealedKey: null })
          .where(and(eq(messages.id, m.id), eq(messages.caseId, caseId), isNotNull(messages.sealedKey)));
      }
    });
  } catch (err) {
    ctx.log.warn({ err: (err as Error).name, count: sealed.length }, "re-sealing channel messages under the case key failed; they stay sealed");
  }
}

/** One page of the applicant-visible thread: the newest `limit` messages before `beforeSeq`, in arrival order. */
export interface ThreadPage {
  messages: { seq: number; direction: "in" | "out"; body: string; createdAt: Date }[];
  /** The cursor of the next older page, or null when these are the oldest. */
  olderSeq: number | null;
}

/**
 * The applicant's view of a thread (his messages and the replies, never notes), one page at a
 * time: at most `limit` rows are read and decrypted per request, so no conversation, however
 * long, makes one request unbounded (issue 17). Rides messages_case_idx (case_id, seq). `hide`
 * keeps out messages that exist but are not his yet (a reminder held until its time).
 */
export async function readThreadPage(ctx: AppContext, caseId: string, caseKey: Buffer, casePublicKey: Buffer | null, opts: { limit: number; beforeSeq?: number; hide?: string[] }): Promise<ThreadPage> {
  const where = and(
    eq(messages.caseId, caseId),
    inArray(messages.direction, ["in", "out"]),
    opts.beforeSeq !== undefined ? lt(messages.seq, opts.beforeSeq) : undefined,
    opts.hide?.length ? notInArray(messages.id, opts.hide) : undefined,
  );
  const rows = await ctx.db.select().from(messages).where(where).orderBy(desc(messages.seq)).limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit).reverse();
  const opened = await openMessages(ctx, caseId, caseKey, casePublicKey, page, (m, body) => ({ seq: m.seq, direction: m.direction as "in" | "out", body, createdAt: m.createdAt }));
  return { messages: opened, olderSeq: more && page[0] ? page[0].seq : null };
}

/** One applicant-visible message (his instructions on /return), or null when it is not in this case's thread. */
export async function readOneMessage(ctx: AppContext, caseId: string, caseKey: Buffer, casePublicKey: Buffer | null, messageId: string): Promise<string | null> {
  const rows = await ctx.db.select().from(messages).where(and(eq(messages.caseId, caseId), eq(messages.id, messageId), inArray(messages.direction, ["in", "out"])));
  const [body] = await openMessages(ctx, caseId, caseKey, casePublicKey, rows, (_m, text) => text);
  return body ?? null;
}

/** Decrypts message rows with one keyring for the case (closed however the reading ends) and shapes each. */
async function openMessages<T>(ctx: AppContext, caseId: string, caseKey: Buffer, casePublicKey: Buffer | null, rows: (typeof messages.$inferSelect)[], shape: (m: typeof messages.$inferSelect, body: string) => T): Promise<T[]> {
  const keyring = await caseKeyring(ctx.db, caseId, caseKey, casePublicKey);
  try {
    const out: T[] = [];
    for (const m of rows) out.push(shape(m, decryptFieldText(await keyring.rowKey(m.sealedKey), messageContext(caseId, m.id), m.body)));
    return out;
  } finally {
    keyring.close();
  }
}

export type StaffMessageOptions = Pick<ReplyInput, "replyMarkup">;

/**
 * A reply to the applicant, on the channel he used, or an internal note that he never sees.
 * Encrypted under the case key (so the applicant, holding his own grant, can read replies).
 */
export async function addStaffMessage(ctx: AppContext, session: StaffSession, caseId: string, kind: "reply" | "note", text: string, opts: StaffMessageOptions = {}) {
  authorize(session.user, "case", kind);
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      const sent = await ctx.db.transaction((tx) => writeStaffMessage(ctx, tx, session, { row, caseKey }, kind, text, opts));
      if (kind === "reply") replyDispatch().wake();
      return sent;
    },
    { resource: "case", action: kind },
  );
}

/**
 * The same message inside the caller's transaction, with the case key he has opened (a
 * capability that writes to several threads all or nothing). The caller wakes the reply
 * dispatch after his commit (wakeReplies), so nothing is sent for a transaction that rolls back.
 */
export async function writeStaffMessage(ctx: AppContext, tx: Tx, session: StaffSession, open: { row: typeof cases.$inferSelect; caseKey: Buffer }, kind: "reply" | "note", text: string, opts: StaffMessageOptions = {}) {
  authorize(session.user, "case", kind);
  const { row, caseKey } = open;
  const caseId = row.id;
  if (row.state === "merged") throw new AppError("conflict", "this case was merged into another; write there");
  const id = randomUUID();
  const now = ctx.now();
  const external = kind === "reply" && row.channel !== "web" && row.channel !== "phone";
  await tx.insert(messages).values({
    id,
    caseId,
    direction: kind === "reply" ? "out" : "note",
    channel: row.channel,
    authorUserId: session.user.id,
    body: encryptField(caseKey, messageContext(caseId, id), text),
    createdAt: now,
    deliveryState: external ? "queued" : null,
  });
  await tx
    .update(cases)
    .set({ updatedAt: now, ...(kind === "reply" ? { lastOutboundAt: now } : {}) })
    .where(eq(cases.id, caseId));
  await recordChange(ctx, tx, { actorId: session.user.id, action: kind === "reply" ? "case.replied" : "case.noted", caseId, details: { message: id }, notify: "case.message" });
  // The first answer puts a new case in contact: a move like any other (audited, in the timeline).
  if (kind === "reply" && row.state === "new") await moveCase(ctx, tx, { caseId, row, to: "in_contact", actorId: session.user.id, caseKey, via: "reply" });
  if (kind === "reply") await replyDispatch().queue(ctx, tx, { caseId, messageId: id, text, caseKey, casePublicKey: row.publicKey, ...(opts.replyMarkup ? { replyMarkup: opts.replyMarkup } : {}) });
  return { id, createdAt: now };
}

/** Wake the reply dispatch after a commit that queued replies through writeStaffMessage. */
export const wakeReplies = () => replyDispatch().wake();
