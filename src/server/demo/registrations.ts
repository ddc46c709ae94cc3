import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { saveRecord } from "../registration/record.js";
import { recordFateEvent } from "../registration/fate.js";
import { printCard } from "../registration/cards.js";
import { readRecord } from "../registration/record.js";
import { RECORD_FIELDS, type RecordValues } from "../../shared/registration.js";
import { assignCase } from "../cases/index.js";
import { REGISTRATION as T } from "./texts.js";

interface Rng {
  int: (lo: number, hi: number) => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
}
interface Prisoner {
  surname: string;
  first: string;
  patronymic: string;
  rank: string;
  birth: string;
  service: string;
}
const day = (ctx: AppContext, offsetDays = 0) => new Date(ctx.now().getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const isoBirth = (dmy: string) => dmy.split(".").reverse().join("-");

/** Handed over, he is registration's to register: the coordinator passes the case on, as in the real flow. */
export async function handToRegistration(ctx: AppContext, coordinator: StaffSession, caseId: string) {
  await assignCase(ctx, coordinator, caseId, { teamId: "registration", userId: null });
}

/**
 * The registrar's record of a demo prisoner, every field confirmed (as the guard on registered_pow
 * requires); some are left with a card unsent, so the register shows cards due and overdue.
 */
export async function registerDemoPrisoner(ctx: AppContext, registrar: StaffSession, caseId: string, p: Prisoner, r: Rng) {
  const [who, ...address] = r.pick(T.INFORMED).split(", ");
  // Arrived up to three weeks ago: a card left unsent for more than a week shows as overdue.
  const arrived = r.int(0, 21);
  const values: RecordValues = {
    surname: p.surname, first_names: `${p.first} ${p.patronymic}`, rank: p.rank, birth_date: isoBirth(p.birth), service_number: p.service,
    birth_place: r.pick(T.BIRTH_PLACES), power: T.POWER, father_first_name: r.pick(T.FATHERS), mother_maiden_name: r.pick(T.MOTHERS),
    informed_person_name: `${who} (${p.surname})`, informed_person_address: address.join(", "),
    capture_date: day(ctx, -arrived - 2), capture_place: r.pick(T.CAPTURE), health: r.pick(["well", "not_wounded", "slightly_wounded", "sick"] as const), internment_place: r.pick(T.INTERNMENT), arrival_date: day(ctx, -arrived),
  };
  await saveRecord(ctx, registrar, caseId, { values, confirmed: [...RECORD_FIELDS], familyConsent: r.chance(0.6) });
}

/** After registration: most cards printed in time, a few left overdue; now and then a transfer or a hospital stay. */
export async function demoCaptivity(ctx: AppContext, registrar: StaffSession, caseId: string, r: Rng) {
  if (r.chance(0.75)) await printAll(ctx, registrar, caseId);
  if (r.chance(0.3)) {
    await recordFateEvent(ctx, registrar, caseId, { kind: "transfer", date: day(ctx), place: r.pick(T.INTERNMENT) });
    if (r.chance(0.5)) await printAll(ctx, registrar, caseId);
  }
  if (r.chance(0.15)) await recordFateEvent(ctx, registrar, caseId, { kind: "hospitalisation", date: day(ctx), place: r.pick(T.HOSPITALS), health: "sick" });
}

/** The event that ends his captivity, before the case closes. */
export async function demoFinalEvent(ctx: AppContext, registrar: StaffSession, caseId: string, r: Rng) {
  const kind = r.pick(["exchange", "exchange", "exchange", "release"] as const);
  await recordFateEvent(ctx, registrar, caseId, { kind, date: day(ctx), ...(kind === "exchange" ? { place: r.pick(T.EXCHANGE) } : {}) });
}

async function printAll(ctx: AppContext, registrar: StaffSession, caseId: string) {
  const view = await readRecord(ctx, registrar, caseId);
  for (const c of view.cards.filter((c) => !c.issuedAt)) await printCard(ctx, registrar, caseId, c.id, "agency");
}
