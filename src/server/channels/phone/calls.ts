import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import type { z } from "zod";
import type { AppContext } from "../../context.js";
import { cases } from "../../db/schema.js";
import { decryptJson, encryptJson } from "../../crypto/fields.js";
import { normalisePhone } from "../../crypto/normalise.js";
import { wipe } from "../../crypto/secure.js";
import { authorize } from "../../policy.js";
import type { SessionUser, StaffSession } from "../../auth/sessions.js";
import { AppError } from "../../errors.js";
import { recordIntake, recordChange, caseScope, findVisibleCase, caseKeyring, sealedWriteKey, resolveMerged, withCaseKey } from "../../cases/index.js";
import { EQUIPMENT_CODES } from "../../intake/choices.js";
import { logCallBodySchemaFor, questionnaireSchemaFor } from "../../../shared/api/calls.js";
import { appendChannelRecord, claimVerifiedPhone } from "../conversation.js";
import { caseForWriting, findContact, identityIndex, lockIdentity } from "../identity.js";
import { callbacks, calls } from "../tables.js";

/** The web form's questionnaire, same codes (intake/choices.ts), as an operator fills it in on a call. */
export const questionnaireSchema = questionnaireSchemaFor(EQUIPMENT_CODES);
export const logCallSchema = logCallBodySchemaFor(EQUIPMENT_CODES);
export type LogCallInput = z.infer<typeof logCallSchema>;

const recordContext = (caseId: string, callId: string) => ({ caseId, table: "calls", field: "record", rowId: callId });

interface CallRecord {
  direction: "in" | "out";
  callbackNumber: string | null;
  summary: string;
  questionnaire: z.infer<typeof questionnaireSchema>;
}

/**
 * Log a phone call. It joins the case the operator names, or the case of the caller's number
 * when that number is a known contact (logged on an earlier call, or shared by the applicant in
 * a messenger) and that case is in the operator's scope, or it opens a new phone case with the
 * questionnaire answers as its section. The number becomes a phone contact of the case, so the
 * next call joins it too. A known number whose case is outside his scope (another team works
 * it) opens a new case like an unknown number, answered the same way, and leaves a note in the
 * other case for its team to check and merge: the call log is neither an oracle of which
 * numbers are known nor a way to write into other teams' cases. The call record and the summary
 * note are sealed to the case public key. One transaction; audited.
 */
export async function logCall(ctx: AppContext, session: StaffSession, input: LogCallInput) {
  authorize(session.user, "case", "create");
  const number = input.callbackNumber ? normalisePhone(input.callbackNumber) : null;
  if (input.callbackNumber && !number) throw new AppError("validation_failed", "the request is not valid", [{ path: "callbackNumber", message: "not a phone number" }]);
  if (input.caseId) await findVisibleCase(ctx.db, session.user, input.caseId);
  const identity = number ? await identityIndex(ctx, "phone", number) : null;
  const at = ctx.now();
  const callId = randomUUID();
  const record: CallRecord = { direction: input.direction, callbackNumber: number, summary: input.summary, questionnaire: input.questionnaire };

  const out = await ctx.db.transaction(async (tx) => {
    const mayKnow = (caseId: string) => findVisibleCase(tx, session.user, caseId).then(() => true, () => false);
    if (identity) await lockIdentity(tx, "phone", identity);
    let caseId: string;
    let joined: "case" | "number" | "new";
    const known = !input.caseId && identity ? await findContact(tx, "phone", identity) : null;
    if (input.caseId) [caseId, joined] = [await resolveMerged(tx, input.caseId), "case"];
    else if (known && (await mayKnow(known.caseId))) [caseId, joined] = [known.caseId, "number"];
    else {
      const contact = { preferred: "phone", ...(number ? { phone: number } : {}) };
      const created = await recordIntake({ ...ctx, db: tx }, { channel: "phone", sections: { contact, questionnaire: input.questionnaire }, identifiers: number ? { phone: number } : {} });
      [caseId, joined] = [created.caseId, "new"];
    }
    const target = await caseForWriting(tx, caseId);
    if (number) await claimVerifiedPhone(ctx, tx, { caseId, casePublicKey: target.publicKey, caseNumber: target.number, phone: number, channel: "phone", at, mayKnow });
    const { key, sealedKey } = sealedWriteKey(target.publicKey);
    try {
      await tx.insert(calls).values({ id: callId, caseId, operatorId: session.user.id, calledAt: new Date(input.calledAt), record: encryptJson(key, recordContext(caseId, callId), record), sealedKey, createdAt: at });
    } finally {
      wipe(key);
    }
    await appendChannelRecord(ctx, tx, { caseId, casePublicKey: target.publicKey, channel: "phone", direction: "note", text: input.summary, at, authorUserId: session.user.id });
    await tx.update(cases).set({ updatedAt: at }).where(eq(cases.id, caseId));
    let callbackId: string | null = null;
    if (input.callback) {
      callbackId = randomUUID();
      await tx.insert(callbacks).values({ id: callbackId, caseId, callId, dueAt: new Date(input.callback.dueAt), assignedUserId: input.callback.assign === "me" ? session.user.id : null, createdBy: session.user.id, createdAt: at });
    }
    await recordChange(ctx, tx, { actorId: session.user.id, action: "call.logged", caseId, details: { call: callId, joined, callback: callbackId }, notify: null });
    return { caseId, joined, callbackId };
  });
  return { callId, caseId: out.caseId, joined: out.joined, callbackId: out.callbackId };
}

/** The calls of a case, decrypted, newest first (reading the callback numbers is audited). */
export async function listCalls(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, "case", "read");
  return withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    const rows = await ctx.db.select().from(calls).where(eq(calls.caseId, caseId)).orderBy(asc(calls.calledAt));
    const keyring = await caseKeyring(ctx.db, caseId, caseKey, row.publicKey);
    try {
      const out = [];
      for (const r of rows) {
        const rec = decryptJson(await keyring.rowKey(r.sealedKey), recordContext(caseId, r.id), r.record) as CallRecord;
        out.push({ id: r.id, calledAt: r.calledAt.toISOString(), operatorId: r.operatorId, ...rec });
      }
      await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "case.calls_read", caseId, details: { calls: rows.length }, notify: null }));
      return out.reverse();
    } finally {
      keyring.close();
    }
  });
}

/** Open callbacks in the user's scope, soonest first; `dueOnly` keeps those due now. No applicant data. */
export async function listCallbacks(ctx: AppContext, user: SessionUser, opts: { dueOnly: boolean }) {
  authorize(user, "case", "list");
  const rows = await ctx.db
    .select({ cb: callbacks, caseNumber: cases.number, caseState: cases.state })
    .from(callbacks)
    .innerJoin(cases, eq(cases.id, callbacks.caseId))
    .where(and(isNull(callbacks.doneAt), opts.dueOnly ? lte(callbacks.dueAt, ctx.now()) : undefined, caseScope(user)))
    .orderBy(asc(callbacks.dueAt))
    .limit(500);
  const now = ctx.now().getTime();
  return rows.map((r) => ({
    id: r.cb.id,
    caseId: r.cb.caseId,
    caseNumber: r.caseNumber,
    caseState: r.caseState,
    callId: r.cb.callId,
    dueAt: r.cb.dueAt.toISOString(),
    overdue: r.cb.dueAt.getTime() <= now,
    assignedUserId: r.cb.assignedUserId,
  }));
}

export async function completeCallback(ctx: AppContext, session: StaffSession, callbackId: string) {
  authorize(session.user, "case", "note");
  const [row] = await ctx.db
    .select({ id: callbacks.id, caseId: callbacks.caseId, doneAt: callbacks.doneAt })
    .from(callbacks)
    .innerJoin(cases, eq(cases.id, callbacks.caseId))
    .where(and(eq(callbacks.id, callbackId), caseScope(session.user)));
  if (!row) throw new AppError("not_found", "no such callback");
  if (row.doneAt) return;
  await ctx.db.transaction(async (tx) => {
    await tx.update(callbacks).set({ doneAt: ctx.now(), doneBy: session.user.id }).where(and(eq(callbacks.id, callbackId), isNull(callbacks.doneAt)));
    await recordChange(ctx, tx, { actorId: session.user.id, action: "callback.done", caseId: row.caseId, details: { callback: callbackId }, notify: null });
  });
}

