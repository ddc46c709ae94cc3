import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { AppContext } from "../../../src/server/context.js";
import { cases } from "../../../src/server/db/schema.js";
import type { StaffClient } from "../../support/staff.js";
import { webCase } from "../../support/staffed.js";

/** Planted values: each is searched for after the operation closes. */
export const PLANTED = {
  meeting: { lat: 47.612345, lon: 35.298765 },
  alternate: { lat: 47.598761, lon: 35.321234 },
  place: "CANARY-PLACE00001X у разбитой водонапорной башни",
  altPlace: "CANARY-ALTPL00001X у второго столба ЛЭП",
  sector: "CANARY-SECTR00001X",
  unit: "CANARY-UNIT000001X",
  liaison: "CANARY-LIAIS00001X +380 67 555 01 02",
  callSign: "CANARY-CALLS00001X",
  escortContact: "CANARY-ESCRT00001X",
  bring: "CANARY-BRING00001X автомат",
};
/** The equipment codes planned (the schedule's): looked for where only the people on it may see them. */
export const PLANTED_EQUIPMENT = ["tank_sp_artillery", "small_combat_boat"];

/** A plan body with the planted values; the window starts at `start` and lasts 30 minutes. */
export function planBody(caseIds: string[], start: Date, o: { coordinatorIds?: string[]; zone?: string } = {}) {
  const iso = (d: Date) => d.toISOString();
  return {
    caseIds,
    sector: { oblast: "UA-23", raion: "Пологівський", name: PLANTED.sector },
    meeting: { ...PLANTED.meeting, description: PLANTED.place },
    alternate: { ...PLANTED.alternate, description: PLANTED.altPlace },
    window: { start: iso(start), end: iso(new Date(start.getTime() + 30 * 60_000)) },
    ...(o.zone ? { applicantZone: o.zone } : {}),
    equipment: PLANTED_EQUIPMENT,
    equipmentNote: PLANTED.bring,
    unit: { name: PLANTED.unit, liaison: PLANTED.liaison },
    escort: { callSign: PLANTED.callSign, contact: PLANTED.escortContact, plannedLaunch: iso(new Date(start.getTime() - 10 * 60_000)) },
    ...(o.coordinatorIds ? { coordinatorIds: o.coordinatorIds } : {}),
  };
}

/** A verified case handed over to the coordination team (its state set as a fixture: verification is another capability). */
export async function verifiedCase(ctx: AppContext, operator: StaffClient, id?: string): Promise<string> {
  const caseId = id ?? (await webCase(ctx, { name: "Зайцев Павел" })).caseId;
  await ctx.db.update(cases).set({ state: "verified" }).where(eq(cases.id, caseId));
  const r = await operator.request("POST", `/api/cases/${caseId}/assign`, { teamId: "coordination" });
  expect(r.statusCode, r.body).toBe(204);
  return caseId;
}

export const stateOf = async (ctx: AppContext, caseId: string) => (await ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, caseId)))[0]!.state;
