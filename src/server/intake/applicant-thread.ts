import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases, messages } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { applicantSide, messageContext, readApplicantSection, readOneMessage, readThreadPage, appendInboundMessage, recordChange } from "../cases/index.js";
import type { ApplicantSession } from "./applicant-session.js";

export interface ApplicantMessage {
  direction: "in" | "out";
  body: string;
  createdAt: Date;
}

/** Messages per page of the applicant's conversation. */
export const THREAD_PAGE_SIZE = 50;

/** The rendezvous fields shown to the applicant; everything else in that section stays with staff. */
export const APPLICANT_RENDEZVOUS_FIELDS = ["when", "where", "signals"] as const;
export type ApplicantRendezvous = Partial<Record<(typeof APPLICANT_RENDEZVOUS_FIELDS)[number], string>>;

export interface ApplicantThread {
  /** His case was merged into another: his messages still reach the hotline, answers may come another way. */
  moved: boolean;
  /** The newest THREAD_PAGE_SIZE messages (or the page before `before`), in arrival order. */
  messages: ApplicantMessage[];
  /** The `before` cursor of the next older page, or null on the oldest. */
  olderSeq: number | null;
  /** A page of older messages, not the newest: the page links back to the latest. */
  older: boolean;
  /** The hotline has answered at least once (on any page). */
  replied: boolean;
  /** Only while the case is scheduled and the coordinators have written these fields. */
  rendezvous: ApplicantRendezvous | null;
  /** The instructions of his scheduled operation, for the printable card, and whether he confirmed them. */
  instructions: { text: string; confirmed: boolean } | null;
}

/**
 * What the applicant sees of his case: his messages and the hotline's replies (never internal
 * notes), and once a handover is scheduled, the time, place and signals, or the instructions of
 * his operation as a card he can print and confirm. Decrypted with the case
 * key his session holds (rows a channel sealed to the case's public key included).
 */
export async function readApplicantThread(ctx: AppContext, session: Pick<ApplicantSession, "caseId" | "caseKey">, opts: { beforeSeq?: number } = {}): Promise<ApplicantThread | null> {
  const [row] = await ctx.db.select({ state: cases.state, publicKey: cases.publicKey }).from(cases).where(eq(cases.id, session.caseId));
  if (!row) return null;
  // One page per request: a 640-message conversation is never decrypted in one go (issue 17).
  const hide = await applicantSide().heldMessageIds(ctx.db, session.caseId);
  const page = await readThreadPage(ctx, session.caseId, session.caseKey, row.publicKey, { limit: THREAD_PAGE_SIZE, hide, ...opts });
  const thread = page.messages.map((m) => ({ direction: m.direction, body: m.body, createdAt: m.createdAt }));
  const replied =
    thread.some((m) => m.direction === "out") ||
    (await ctx.db.select({ one: sql<number>`1` }).from(messages).where(and(eq(messages.caseId, session.caseId), eq(messages.direction, "out"))).limit(1)).length > 0;
  let rendezvous: ApplicantRendezvous | null = null;
  if (row.state === "scheduled") {
    // Only the fields the section registry declares applicant-visible.
    const section = await readApplicantSection(ctx.db, session.caseId, session.caseKey, "rendezvous");
    if (section) rendezvous = pickRendezvous(section);
  }
  const planned = row.state === "scheduled" ? await applicantSide().instructions(ctx.db, session.caseId) : null;
  const text = planned ? await readOneMessage(ctx, session.caseId, session.caseKey, row.publicKey, planned.messageId) : null;
  const instructions = planned && text ? { text, confirmed: planned.confirmed } : null;
  return { moved: row.state === "merged", messages: thread, olderSeq: page.olderSeq, older: opts.beforeSeq !== undefined, replied, rendezvous, instructions };
}

function pickRendezvous(value: unknown): ApplicantRendezvous | null {
  if (typeof value !== "object" || value === null) return null;
  const out: ApplicantRendezvous = {};
  for (const f of APPLICANT_RENDEZVOUS_FIELDS) {
    const v = (value as Record<string, unknown>)[f];
    if (typeof v === "string" && v.trim()) out[f] = v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * The applicant answers on the site: a new inbound message, the case marked unread for the
 * operators (and the consoles told when it commits), an audit event without content. Committed
 * before he is told. Written under the case key he holds; if his case was merged into another,
 * it goes on into that one, sealed to its public key (appendInboundMessage), as any channel does.
 */
export async function addApplicantReply(ctx: AppContext, session: Pick<ApplicantSession, "caseId" | "caseKey">, text: string): Promise<void> {
  const [row] = await ctx.db.select({ state: cases.state, publicKey: cases.publicKey }).from(cases).where(eq(cases.id, session.caseId));
  if (!row) throw new Error("the applicant's case is gone");
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    let id: string;
    let caseId = session.caseId;
    if (row.state === "merged" && row.publicKey) {
      ({ id, caseId } = await appendInboundMessage(ctx, tx, { caseId: session.caseId, casePublicKey: row.publicKey, channel: "web", text, at: now }));
    } else {
      id = randomUUID();
      await tx.insert(messages).values({ id, caseId, direction: "in", channel: "web", body: encryptField(session.caseKey, messageContext(caseId, id), text), createdAt: now });
      await tx
        .update(cases)
        .set({ unreadCount: sql`${cases.unreadCount} + 1`, lastInboundAt: now, updatedAt: now })
        .where(eq(cases.id, caseId));
    }
    // The merged path has already told the consoles (appendInboundMessage); told twice, they would refetch twice.
    await recordChange(ctx, tx, { actorId: null, action: "case.applicant_replied", caseId, details: { message: id, channel: "web" }, notify: row.state === "merged" && row.publicKey ? null : "case.message" });
  });
}

/** He pressed "I confirm" under his instructions on /return. */
export async function confirmInstructions(ctx: AppContext, session: Pick<ApplicantSession, "caseId">): Promise<boolean> {
  return ctx.db.transaction((tx) => applicantSide().confirm(ctx, tx, session.caseId, "web"));
}
