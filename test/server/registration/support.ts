import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { recordIntake } from "../../../src/server/cases/index.js";
import { cases } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { StaffClient } from "../../support/staff.js";
import { ART17_FIELDS, RECORD_FIELDS, type RecordValues } from "../../../src/shared/registration.js";

/** A whole record, in Cyrillic where the person's own data would be. */
export const FULL: Required<RecordValues> = {
  surname: "Зайцев",
  first_names: "Павел Андреевич",
  rank: "младший сержант",
  birth_date: "1994-03-17",
  service_number: "АВ-739154",
  birth_place: "г. Курск",
  power: "Российская Федерация",
  father_first_name: "Андрей",
  mother_maiden_name: "Ёлкина",
  informed_person_name: "Зайцева Мария Ивановна",
  informed_person_address: "Курск, ул. Щорса, д. 5, кв. 12",
  capture_date: "2026-11-20",
  capture_place: "Запорожская обл., у с. Работино",
  health: "slightly_wounded",
  internment_place: "Пункт содержания № 3",
  arrival_date: "2026-11-23",
};
export const ALL = [...RECORD_FIELDS];

/** A handed-over case, assigned to `to` (his personal grant of the case key). */
export async function handedOverCase(ctx: AppContext, operator: StaffClient, to: StaffClient, identity: Record<string, unknown> = { name: "Зайцев Павел Андреевич", rank: "младший сержант", service_number: "АВ-739154" }) {
  const { caseId } = await recordIntake(ctx, { channel: "web", sections: { identity }, message: "Хочу в плен" });
  await ctx.db.update(cases).set({ state: "handed_over" }).where(eq(cases.id, caseId));
  const r = await operator.request("POST", `/api/cases/${caseId}/assign`, { userId: to.userId });
  expect(r.statusCode, r.body).toBe(204);
  return caseId;
}

/** Write the whole record, every field confirmed, then register him. */
export async function registered(registrar: StaffClient, caseId: string, values: RecordValues = FULL, familyConsent = true) {
  const w = await registrar.request("PUT", `/api/registration/cases/${caseId}/record`, { values, confirmed: Object.keys(values), familyConsent });
  expect(w.statusCode, w.body).toBe(200);
  const t = await registrar.request("POST", `/api/cases/${caseId}/transition`, { to: "registered_pow", reason: "зарегистрирован" });
  expect(t.statusCode, t.body).toBe(200);
}
export { ART17_FIELDS };
