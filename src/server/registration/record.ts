import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { blindIndexRows, readSections, recordChange, registerEffect, registerGuard, withCaseKey } from "../cases/index.js";
import { ART17_FIELDS, RECORD_FIELDS, type RecordValues, type RecordWrite } from "../../shared/registration.js";
import { blindIndexes } from "../db/schema.js";
import { powEvents, powRecords } from "./tables.js";
import { cardsOf, openCardFor } from "./cards.js";
import { fateTimeline } from "./fate.js";
import { openRecord, sealRecord, type StoredRecord } from "./record-cipher.js";
import { FINAL_EVENTS } from "../../shared/registration.js";
import { isCalendarDay } from "../../shared/calendar-day.js";

export const READ_RECORD = { resource: "pow_registration", action: "read" } as const;
export const WRITE_RECORD = { resource: "pow_registration", action: "write" } as const;

/** Art. 17 is complete when every one of its fields has a value the registrar confirmed. */
export const art17Complete = (r: StoredRecord) => ART17_FIELDS.every((f) => !!r.values[f] && r.confirmed.includes(f));
export const missingArt17 = (r: StoredRecord | null) => ART17_FIELDS.filter((f) => !r || !r.values[f] || !r.confirmed.includes(f));

/**
 * Proposals for the record from the case's identity section (the name split into surname and
 * first names, as Russian documents write it). Nothing is saved: the registrar confirms each one.
 */
export function proposalsFromIdentity(identity: Record<string, unknown> | undefined): RecordValues {
  if (!identity) return {};
  const out: RecordValues = {};
  const name = typeof identity.name === "string" ? identity.name.trim().split(/\s+/) : [];
  if (name[0]) out.surname = name[0];
  if (name.length > 1) out.first_names = name.slice(1).join(" ");
  if (typeof identity.rank === "string") out.rank = identity.rank;
  if (typeof identity.service_number === "string") out.service_number = identity.service_number;
  if (typeof identity.birth_date === "string" && isCalendarDay(identity.birth_date)) out.birth_date = identity.birth_date;
  return out;
}

export async function readStored(db: AppContext["db"] | Tx, caseId: string, caseKey: Buffer) {
  const [row] = await db.select().from(powRecords).where(eq(powRecords.caseId, caseId));
  return row ? { row, record: openRecord(caseKey, caseId, row.ciphertext) } : null;
}

/**
 * The record of a case for a registrar (or whoever the policy lets read it): the stored values,
 * the proposals from the identity section for what is not yet confirmed, and the missing Art. 17
 * fields. Every read is audited (by field names, never by value).
 */
export async function readRecord(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, READ_RECORD.resource, READ_RECORD.action);
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      const stored = await readStored(ctx.db, caseId, caseKey);
      const identity = (await readSections(ctx.db, caseId, caseKey, session.user.role)).identity;
      await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "pow.record_read", caseId, details: { fields: Object.keys(stored?.record.values ?? {}).sort().join(",") }, notify: null }));
      const [cards, timeline] = [await cardsOf(ctx.db, caseId, caseKey), await fateTimeline(ctx.db, caseId, caseKey)];
      return { row, stored: stored?.record ?? null, registeredAt: stored?.row.registeredAt ?? null, proposals: proposalsFromIdentity(identity), missing: missingArt17(stored?.record ?? null), cards, timeline };
    },
    READ_RECORD,
  );
}

/**
 * Write the record. A confirmed field must have a value; an unconfirmed value is kept as a draft
 * and does not count towards Art. 17. The first arrival date opens the capture card deadline
 * (Art. 70: a week from arrival at the place of internment). Audited by field names only.
 */
export async function saveRecord(ctx: AppContext, session: StaffSession, caseId: string, input: RecordWrite) {
  authorize(session.user, WRITE_RECORD.resource, WRITE_RECORD.action);
  const values = Object.fromEntries(Object.entries(input.values).filter(([, v]) => v !== undefined)) as RecordValues;
  const unvalued = input.confirmed.filter((f) => !values[f]);
  if (unvalued.length) throw new AppError("validation_failed", "a confirmed field needs a value", unvalued.map((f) => ({ path: `values.${f}`, message: "confirmed without a value" })));
  const record: StoredRecord = { values, confirmed: RECORD_FIELDS.filter((f) => input.confirmed.includes(f)), familyConsent: input.familyConsent };
  if (record.familyConsent && !(values.informed_person_name && values.informed_person_address)) {
    throw new AppError("validation_failed", "a card to the family needs the name and address of the person to be informed", [{ path: "familyConsent", message: "no person to be informed" }]);
  }
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      if (row.state === "merged") throw new AppError("conflict", "this case was merged into another; write there");
      const ciphertext = sealRecord(caseKey, caseId, record);
      const complete = art17Complete(record);
      // The register finds him by the name he gave the registrar too, not only the intake's (blind indexes, never the name).
      const name = [values.surname, values.first_names].filter(Boolean).join(" ");
      const indexes = name ? await blindIndexRows(ctx, caseId, { name }) : [];
      await ctx.db.transaction(async (tx) => {
        const set = { ciphertext, art17Complete: complete, arrivalDate: values.arrival_date ?? null, updatedAt: ctx.now(), updatedBy: session.user.id };
        await tx.insert(powRecords).values({ caseId, ...set }).onConflictDoUpdate({ target: powRecords.caseId, set });
        if (values.arrival_date) await openCardFor(tx, caseId, "arrival", values.arrival_date);
        if (indexes.length) await tx.insert(blindIndexes).values(indexes).onConflictDoNothing();
        await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.record_written", caseId, details: { fields: Object.keys(values).sort().join(","), confirmed: record.confirmed.join(","), art17: complete }, notify: "case.updated", event: { kind: "pow.record_written" } });
      });
      return { art17Complete: complete, missing: missingArt17(record) };
    },
    WRITE_RECORD,
  );
}

// The guards the case core runs on its moves: registered_pow needs a complete Art. 17 record;
// a registered case closes only after an event that ends his captivity.
registerGuard({ to: "registered_pow" }, "complete Art. 17 record", async (m) => {
  const [row] = await m.tx.select({ complete: powRecords.art17Complete }).from(powRecords).where(eq(powRecords.caseId, m.caseId));
  return row?.complete ? null : "the Art. 17 record (surname, first names, rank, date of birth, number) is not complete and confirmed";
});
registerGuard({ from: "registered_pow", to: "closed" }, "final event recorded", async (m) => {
  const kinds = await m.tx.select({ kind: powEvents.kind }).from(powEvents).where(eq(powEvents.caseId, m.caseId));
  return kinds.some((k) => (FINAL_EVENTS as string[]).includes(k.kind)) ? null : "a registered prisoner's case closes only after his release, exchange, repatriation or death is recorded";
});
registerEffect("registered_pow", "date the registration", async (m) => {
  await m.tx.update(powRecords).set({ registeredAt: m.ctx.now() }).where(eq(powRecords.caseId, m.caseId));
});
