import { randomUUID } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { decryptJson, encryptJson } from "../crypto/fields.js";
import { recordChange, withCaseKey } from "../cases/index.js";
import { users } from "../db/schema.js";
import { FINAL_EVENTS, NEW_CARD_EVENTS, type EventWrite } from "../../shared/registration.js";
import { powEvents, powRecords } from "./tables.js";
import { openCardFor } from "./cards.js";
import { openRecord, sealRecord } from "./record-cipher.js";

const eventContext = (caseId: string, id: string) => ({ caseId, table: "pow_events", field: "details", rowId: id });
type Details = Omit<EventWrite, "kind" | "date">;

/**
 * Record what happened to him, dated and attributed (Art. 122). A transfer, an admission to
 * hospital or a change of health owes a new capture card (Art. 70) and updates the record's
 * place of internment or state of health. Nothing follows a final event (death, release,
 * repatriation, exchange).
 */
export async function recordFateEvent(ctx: AppContext, session: StaffSession, caseId: string, input: EventWrite) {
  authorize(session.user, "pow_registration", "write");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      if (row.state !== "registered_pow") throw new AppError("conflict", "events are recorded for a registered prisoner of war");
      const [rec] = await ctx.db.select().from(powRecords).where(eq(powRecords.caseId, caseId));
      if (!rec) throw new AppError("conflict", "no record for this case");
      const past = await ctx.db.select({ kind: powEvents.kind }).from(powEvents).where(eq(powEvents.caseId, caseId));
      if (past.some((p) => (FINAL_EVENTS as string[]).includes(p.kind))) throw new AppError("conflict", "his captivity has ended; nothing follows a final event");
      const id = randomUUID();
      const { kind, date, ...details } = input;
      return ctx.db.transaction(async (tx) => {
        await tx.insert(powEvents).values({ id, caseId, kind, occurredOn: date, details: encryptJson(caseKey, eventContext(caseId, id), details), actorId: session.user.id, createdAt: ctx.now() });
        const card = NEW_CARD_EVENTS[kind];
        if (card) {
          await openCardFor(tx, caseId, card, date);
          await updateRecord(tx, caseKey, caseId, rec.ciphertext, details);
        }
        await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.event_recorded", caseId, details: { event: id, kind }, notify: "case.updated", event: { kind: `pow.${kind}` } });
        return { id, newCard: !!card };
      });
    },
    { resource: "pow_registration", action: "write" },
  );
}

async function updateRecord(tx: Tx, caseKey: Buffer, caseId: string, ciphertext: Buffer, d: Details) {
  const record = openRecord(caseKey, caseId, ciphertext);
  if (d.place && d.place !== record.values.internment_place) record.values.internment_place = d.place;
  if (d.health) record.values.health = d.health;
  await tx.update(powRecords).set({ ciphertext: sealRecord(caseKey, caseId, record) }).where(eq(powRecords.caseId, caseId));
}

/** The timeline of his fate, decrypted with the open case key, oldest first, with who recorded each. */
export async function fateTimeline(db: AppContext["db"], caseId: string, caseKey: Buffer) {
  const rows = await db.select().from(powEvents).where(eq(powEvents.caseId, caseId)).orderBy(asc(powEvents.occurredOn), asc(powEvents.createdAt));
  const ids = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const names = new Map(ids.length ? (await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.name]) : []);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    date: r.occurredOn,
    recordedAt: r.createdAt,
    actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
    ...(decryptJson(caseKey, eventContext(caseId, r.id), r.details) as Details),
  }));
}
