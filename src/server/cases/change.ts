import { randomUUID } from "node:crypto";
import type { AppContext } from "../context.js";
import { appendAudit, type AuditEvent, type Tx } from "../audit/log.js";
import { caseEvents } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { notifyCase, type CaseEventType } from "./events.js";
import { eventReasonContext } from "./sections.js";

export interface CaseChange {
  actorId: string | null;
  /**
   * The audit action, e.g. "case.transitioned"; null for what the system does on its own and the
   * case already keeps (a message arriving on a channel, a delivery moving on): the message row is
   * its record, and an audit row per message would drown the log.
   */
  action: string | null;
  caseId: string;
  /** Ids and codes only (the audit log carries no applicant data). */
  details?: AuditEvent["details"];
  /** The live notification; null for a change the consoles need not refetch (a read). */
  notify: CaseEventType | null;
  /** A row in the case's own history (its timeline), with the reason encrypted under the case key. */
  event?: { kind: string; fromState?: string | null; toState?: string | null; reason?: string | null; caseKey?: Buffer };
}

/**
 * Record one change to a case: the audit row, the case history event and the live notification,
 * all inside the caller's transaction `tx`, so the three commit together with the change itself
 * or not at all (the notification is delivered only on commit, see events.ts).
 */
export async function recordChange(ctx: Pick<AppContext, "keys" | "now">, tx: Tx, change: CaseChange): Promise<void> {
  if (change.event) {
    const e = change.event;
    const id = randomUUID();
    if (e.reason && !e.caseKey) throw new Error("a reason is encrypted under the case key: pass it");
    await tx.insert(caseEvents).values({
      id,
      caseId: change.caseId,
      at: ctx.now(),
      actorId: change.actorId,
      kind: e.kind,
      fromState: e.fromState ?? null,
      toState: e.toState ?? null,
      reason: e.reason ? encryptField(e.caseKey!, eventReasonContext(change.caseId, id), e.reason) : null,
    });
  }
  if (change.action) await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: change.actorId, action: change.action, subjectType: "case", subjectId: change.caseId, ...(change.details ? { details: change.details } : {}) });
  if (change.notify) await notifyCase(tx, change.notify, change.caseId);
}
