import { randomInt } from "node:crypto";
import { Readable } from "node:stream";
import { and, eq, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { AppContext } from "../../context.js";
import type { Tx } from "../../audit/log.js";
import { cases, messages } from "../../db/schema.js";
import { storeAttachment, sealedWriteKey, recordChange } from "../../cases/index.js";
import { wipe } from "../../crypto/secure.js";
import { isCryptoError } from "../../crypto/errors.js";
import { channelDialogs, channelOutbox, channelUpdates } from "../tables.js";
import { UPDATE_MARKER_DAYS } from "../conversation.js";
import { messageDeliveryState, onOutboxWake, openPayload, type OutboxKind, type OutboxPayloads } from "./outbox.js";
import { channelTransports, type CallResult, type FileResult, type Transports } from "./transports.js";

/**
 * Delivers the outbox. Each pass claims due rows (FOR UPDATE SKIP LOCKED, so several instances
 * on one PostgreSQL share the work), marks them "sending" with a lease, makes the call, then
 * records the outcome. Exactly-once from our side: a row is claimed by one worker at a time and
 * its outcome is recorded with a guard on its attempt number. A process killed mid-call leaves
 * the row "sending"; once its lease runs out (at once on restart of the embedded store, whose
 * single process owns the data) it is sent again. Telegram's sendMessage and WhatsApp's messages
 * endpoint take no idempotency key, so that resend is a duplicate exactly when the messenger had
 * accepted the first call before the process died: at-least-once, never zero.
 */
const SENDABLE = ["queued", "retrying", "sending"] as const;
/** Longer than any call's timeout, so a live worker never sees its own row re-claimed. */
const LEASE_MS = 120_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 15 * 60_000;
const BATCH = 16;
const DIALOG_IDLE_DAYS = 7;

type Row = typeof channelOutbox.$inferSelect;
type Outcome = (CallResult | FileResult) & { data?: Buffer; type?: string };

export interface OutboxOptions {
  transports?: Transports;
  limit?: number;
}

/** One pass: claim what is due now, deliver it, record outcomes. Returns the number of rows handled. */
export async function deliverDue(ctx: AppContext, opts: OutboxOptions = {}): Promise<number> {
  const transports = opts.transports ?? channelTransports(ctx.config);
  const rows = await claimDue(ctx, opts.limit ?? BATCH);
  await Promise.all(rows.map((row) => deliverRow(ctx, transports, row)));
  return rows.length;
}

async function claimDue(ctx: AppContext, limit: number): Promise<Row[]> {
  const now = ctx.now();
  const earlier = alias(channelOutbox, "earlier");
  return ctx.db.transaction(async (tx) => {
    const due = tx
      .select({ id: channelOutbox.id })
      .from(channelOutbox)
      .where(
        and(
          inArray(channelOutbox.state, [...SENDABLE]),
          lte(channelOutbox.nextAttemptAt, now),
          // One chat's rows go in order: only the oldest unfinished row of a chat is due.
          or(
            isNull(channelOutbox.chatKey),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(earlier)
                .where(and(eq(earlier.chatKey, channelOutbox.chatKey), lt(earlier.seq, channelOutbox.seq), inArray(earlier.state, [...SENDABLE]))),
            ),
          ),
        ),
      )
      .orderBy(channelOutbox.nextAttemptAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    return tx
      .update(channelOutbox)
      .set({ state: "sending", attempts: sql`${channelOutbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + LEASE_MS), updatedAt: now })
      .where(inArray(channelOutbox.id, due))
      .returning();
  });
}

async function deliverRow(ctx: AppContext, transports: Transports, row: Row): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = row.payload ? await call(ctx, transports, row, row.payload) : { ok: false, permanent: true, code: "no_payload" };
  } catch (err) {
    // A payload that does not open (moved, altered, another key) never will; anything else may pass.
    outcome = isCryptoError(err) || err instanceof SyntaxError ? { ok: false, permanent: true, code: "unreadable_payload" } : { ok: false, permanent: false, code: "unexpected" };
  }
  try {
    await ctx.db.transaction(async (tx) => {
      const [current] = await tx.select({ state: channelOutbox.state, attempts: channelOutbox.attempts }).from(channelOutbox).where(eq(channelOutbox.id, row.id)).for("update");
      // Our lease ran out and another worker took the row: its outcome is the one that counts.
      if (current?.state !== "sending" || current.attempts !== row.attempts) return;
      if (outcome.ok && outcome.data) await storeFetchedFile(ctx, tx, row, outcome.data, outcome.type);
      await recordOutcome(ctx, tx, row, outcome);
    });
  } catch (err) {
    // The row stays "sending" and is retried when its lease ends; say what failed, never the content.
    ctx.log.error({ event: "channels.outbox_record_failed", outboxId: row.id, kind: row.kind, errorType: (err as Error).name }, "could not record a delivery outcome");
  } finally {
    outcome.data?.fill(0);
  }
}

async function call(ctx: AppContext, t: Transports, row: Row, sealed: Buffer): Promise<Outcome> {
  const kind = row.kind as OutboxKind;
  switch (kind) {
    case "telegram.send": {
      const p = openPayload(ctx, row.id, kind, sealed);
      return t.telegramCall(p.method, p.params);
    }
    case "whatsapp.send": {
      const p = openPayload(ctx, row.id, kind, sealed);
      return t.whatsappText(p.via, p.to, p.text);
    }
    case "telegram.fetch": {
      const p = openPayload(ctx, row.id, kind, sealed);
      const r = await t.telegramFile(p.fileId);
      return r.ok ? { ...r, type: p.type } : r;
    }
    case "whatsapp.fetch": {
      const p = openPayload(ctx, row.id, kind, sealed);
      const r = await t.whatsappMedia(p.mediaId);
      return r.ok ? { ...r, type: r.type ?? p.type } : r;
    }
    default:
      return { ok: false, permanent: true, code: "unknown_kind" };
  }
}

/** A fetched file becomes an attachment of the message it came with, sealed to the case (no case key here). */
async function storeFetchedFile(ctx: AppContext, tx: Tx, row: Row, data: Buffer, type: string | undefined) {
  const [target] = row.caseId ? await tx.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, row.caseId)) : [];
  if (!row.caseId || !target?.publicKey || !row.payload) throw new Error("fetched file has no case to go to");
  const meta = openPayload(ctx, row.id, row.kind as "telegram.fetch" | "whatsapp.fetch", row.payload) as OutboxPayloads["telegram.fetch"];
  const writeKey = sealedWriteKey(target.publicKey);
  try {
    await storeAttachment(ctx, tx, writeKey, row.caseId, Readable.from([data]), { name: meta.name, type: safeType(type ?? meta.type) }, row.messageId ?? undefined);
  } finally {
    wipe(writeKey.key);
  }
  await recordChange(ctx, tx, { actorId: null, action: null, caseId: row.caseId, notify: "case.message" });
}

function safeType(type: string): string {
  return /^[\w.+-]+\/[\w.+-]+$/.test(type) && type.length <= 100 ? type : "application/octet-stream";
}

async function recordOutcome(ctx: AppContext, tx: Tx, row: Row, outcome: Outcome) {
  const now = ctx.now();
  const isSend = row.kind.endsWith(".send");
  const final = outcome.ok || outcome.permanent || row.attempts >= ctx.config.channelMaxAttempts;
  const state = outcome.ok ? (isSend ? "sent" : "done") : final ? "failed" : "retrying";
  const wait = outcome.ok ? 0 : (outcome.retryAfterMs ?? backoff(row.attempts));
  await tx
    .update(channelOutbox)
    .set({
      state,
      // A delivered or abandoned payload is wiped: the text and address live on only in the case.
      ...(final ? { payload: null, doneAt: now } : { nextAttemptAt: new Date(now.getTime() + wait) }),
      lastErrorCode: outcome.ok ? null : outcome.code,
      updatedAt: now,
    })
    .where(eq(channelOutbox.id, row.id));
  if (isSend && row.messageId) {
    const parts = await tx.select({ state: channelOutbox.state }).from(channelOutbox).where(eq(channelOutbox.messageId, row.messageId));
    await tx.update(messages).set({ deliveryState: messageDeliveryState(parts.map((p) => p.state)) }).where(eq(messages.id, row.messageId));
    if (row.caseId) await recordChange(ctx, tx, { actorId: null, action: null, caseId: row.caseId, notify: "case.updated" });
  }
  if (!outcome.ok) ctx.log.warn({ event: "channels.delivery_failed", outboxId: row.id, kind: row.kind, code: outcome.code, attempt: row.attempts, final }, "delivery attempt failed");
}

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 15 min, each ±25 %. */
export function backoff(attempt: number): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 20));
  return Math.round(base * (0.75 + randomInt(0, 501) / 1000));
}

/** Housekeeping: forget old update markers and abandoned questionnaires. */
export async function pruneChannels(ctx: AppContext): Promise<void> {
  const now = ctx.now().getTime();
  await ctx.db.delete(channelUpdates).where(lt(channelUpdates.receivedAt, new Date(now - UPDATE_MARKER_DAYS * 86_400_000)));
  await ctx.db.delete(channelDialogs).where(lt(channelDialogs.updatedAt, new Date(now - DIALOG_IDLE_DAYS * 86_400_000)));
}

export interface OutboxWorker {
  stop(): Promise<void>;
}

/**
 * The delivery loop of a running server: a pass whenever rows are due (woken by the webhooks and
 * replies of this process, or every `channelPollMs` for the rest). Housekeeping is a job (jobs/registry.ts).
 */
export function startOutboxWorker(ctx: AppContext, opts: OutboxOptions = {}): OutboxWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let sleeping: (() => void) | null = null;
  const wakeUp = () => sleeping?.();
  const unsubscribe = onOutboxWake(wakeUp);

  const loop = (async () => {
    if (ctx.database.kind === "pglite") {
      // The embedded store has one process (the data directory is locked): a "sending" row here was
      // left by a process that died mid-call. Resend it now rather than after its lease.
      await ctx.db.update(channelOutbox).set({ nextAttemptAt: ctx.now() }).where(eq(channelOutbox.state, "sending")).catch(() => {});
    }
    while (!stopped) {
      let handled = 0;
      try {
        handled = await deliverDue(ctx, opts);
      } catch (err) {
        ctx.log.error({ event: "channels.outbox_pass_failed", errorType: (err as Error).name }, "outbox pass failed");
      }
      if (stopped || handled >= (opts.limit ?? BATCH)) continue;
      await new Promise<void>((resolve) => {
        sleeping = resolve;
        timer = setTimeout(resolve, ctx.config.channelPollMs);
      });
      sleeping = null;
      if (timer) clearTimeout(timer);
    }
  })();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      wakeUp();
      await loop;
    },
  };
}
