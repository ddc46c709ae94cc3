import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { saveRecord } from "../registration/record.js";
import { recordFateEvent } from "../registration/fate.js";
import { printCard } from "../registration/cards.js";
import { markCardSent } from "../registration/card-sent.js";
import { readRecord } from "../registration/record.js";
import { RECORD_FIELDS, type RecordValues } from "../../shared/registration.js";
import { assignCase, transitionCase } from "../cases/index.js";
import { recordChoice } from "../registration/choice.js";
import { REGISTRATION as T } from "./texts.js";
import { staffToday } from "../../shared/zoned-time.js";

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
/** A man handed over to registration, with what he told the hotline (the registrar records it). */
export interface DemoMan {
  caseId: string;
  prisoner: Prisoner;
}
const day = (ctx: AppContext, offsetDays = 0) => new Date(ctx.now().getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const isoBirth = (dmy: string) => dmy.split(".").reverse().join("-");

/** Handed over, he is registration's to register: the coordinator passes the case on, as in the real flow. */
export async function handToRegistration(ctx: AppContext, coordinator: StaffSession, caseId: string) {
  await assignCase(ctx, coordinator, caseId, { teamId: "registration", userId: null });
}

/**
 * The registrar's record of a demo prisoner, every field confirmed (as the guard on registered_pow
 * requires); some are left with a card unsent, so the register shows cards due and overdue. The
 * stages below choose the day he arrived and whether he consents to a card to his family.
 */
export async function registerDemoPrisoner(ctx: AppContext, registrar: StaffSession, caseId: string, p: Prisoner, r: Rng, chosen: { arrivedDaysAgo?: number; familyConsent?: boolean } = {}) {
  const [who, ...address] = r.pick(T.INFORMED).split(", ");
  // Arrived up to three weeks ago: a card left unsent for more than a week shows as overdue.
  const arrived = chosen.arrivedDaysAgo ?? r.int(0, 21);
  const values: RecordValues = {
    surname: p.surname, first_names: `${p.first} ${p.patronymic}`, rank: p.rank, birth_date: isoBirth(p.birth), service_number: p.service,
    birth_place: r.pick(T.BIRTH_PLACES), power: T.POWER, father_first_name: r.pick(T.FATHERS), mother_maiden_name: r.pick(T.MOTHERS),
    informed_person_name: `${who} (${p.surname})`, informed_person_address: address.join(", "),
    capture_date: day(ctx, -arrived - 2), capture_place: r.pick(T.CAPTURE), health: r.pick(["well", "not_wounded", "slightly_wounded", "sick"] as const), internment_place: r.pick(T.INTERNMENT), arrival_date: day(ctx, -arrived),
  };
  await saveRecord(ctx, registrar, caseId, { values, confirmed: [...RECORD_FIELDS], familyConsent: chosen.familyConsent ?? r.chance(0.6) });
}

/**
 * After registration: most cards printed and sent in time, some printed but not yet sent (still
 * owed, so overdue once the week is out), a few not printed at all; now and then a transfer or a
 * hospital stay.
 */
export async function demoCaptivity(ctx: AppContext, registrar: StaffSession, caseId: string, r: Rng) {
  if (r.chance(0.75)) await printAll(ctx, registrar, caseId, r.chance(0.8));
  if (r.chance(0.3)) {
    await recordFateEvent(ctx, registrar, caseId, { kind: "transfer", date: day(ctx), place: r.pick(T.INTERNMENT) });
    if (r.chance(0.5)) await printAll(ctx, registrar, caseId, r.chance(0.8));
  }
  if (r.chance(0.15)) await recordFateEvent(ctx, registrar, caseId, { kind: "hospitalisation", date: day(ctx), place: r.pick(T.HOSPITALS), health: "sick" });
}

/** The event that ends his captivity, before the case closes. */
export async function demoFinalEvent(ctx: AppContext, registrar: StaffSession, caseId: string, r: Rng) {
  const kind = r.pick(["exchange", "exchange", "exchange", "release"] as const);
  await recordFateEvent(ctx, registrar, caseId, { kind, date: day(ctx), ...(kind === "exchange" ? { place: r.pick(T.EXCHANGE) } : {}) });
}

async function printAll(ctx: AppContext, registrar: StaffSession, caseId: string, send: boolean) {
  await printOn(ctx, registrar, caseId, "agency");
  if (send) await sendOn(ctx, registrar, caseId, "agency", "post");
}

/** The context of a day some days ago: the registrar's work of the stages is dated as it happened. */
const daysAgo = (ctx: AppContext, days: number): AppContext => {
  const at = ctx.now().getTime() - days * 86_400_000;
  return { ...ctx, now: () => new Date(at) };
};

async function registerOn(ctx: AppContext, registrar: StaffSession, man: DemoMan, r: Rng, arrivedDaysAgo: number, familyConsent: boolean) {
  const on = daysAgo(ctx, arrivedDaysAgo - 1);
  await registerDemoPrisoner(on, registrar, man.caseId, man.prisoner, r, { arrivedDaysAgo: 1, familyConsent });
  await transitionCase(on, registrar, man.caseId, "registered_pow", T.REGISTERED);
}

async function printOn(ctx: AppContext, registrar: StaffSession, caseId: string, copy: "agency" | "family") {
  const view = await readRecord(ctx, registrar, caseId);
  for (const c of view.cards.filter((c) => !(copy === "agency" ? c.printedAt : c.familyPrintedAt))) await printCard(ctx, registrar, caseId, c.id, copy);
}

/** Record every printed, unsent copy as sent on the context's day (Kyiv's, as the registrar would): printing alone sends nothing. */
async function sendOn(ctx: AppContext, registrar: StaffSession, caseId: string, copy: "agency" | "family", via: "post" | "icrc_delegate" | "cta_handover", note?: string) {
  const view = await readRecord(ctx, registrar, caseId);
  for (const c of view.cards.filter((c) => (copy === "agency" ? c.printedAt : c.familyPrintedAt) && !c.sent[copy])) {
    await markCardSent(ctx, registrar, caseId, c.id, { copy, sentOn: staffToday(ctx.now()), via, ...(note ? { note } : {}) });
  }
}

/**
 * Every stage of registration on men of registration's own (loadDemoCases), run after the rewards
 * and resettlement demos so that nothing moves them on: one with his card due and the week still
 * running, not printed; one whose card was printed but never recorded as sent, now overdue; one
 * whose cards went out, the agency's copy by post and the family's two days later through an ICRC
 * delegate; one with a transfer and then a hospital stay, each owing a new card (Art. 70), the
 * last still due; one with his choice, sealed to the resettlement officer. The last man waits to
 * be registered.
 */
export async function loadDemoRegistrationStages(ctx: AppContext, registrar: StaffSession, officer: StaffSession, men: DemoMan[], r: Rng): Promise<string> {
  const [due, overdue, sent, fate, choice] = men;
  if (due) await registerOn(ctx, registrar, due, r, 2, false);
  if (overdue) {
    await registerOn(ctx, registrar, overdue, r, 12, true);
    await printOn(daysAgo(ctx, 10), registrar, overdue.caseId, "agency");
  }
  if (sent) {
    await registerOn(ctx, registrar, sent, r, 9, true);
    await printOn(daysAgo(ctx, 7), registrar, sent.caseId, "agency");
    await sendOn(daysAgo(ctx, 6), registrar, sent.caseId, "agency", "post");
    await printOn(daysAgo(ctx, 5), registrar, sent.caseId, "family");
    await sendOn(daysAgo(ctx, 4), registrar, sent.caseId, "family", "icrc_delegate", T.CARD_NOTE);
  }
  if (fate) {
    await registerOn(ctx, registrar, fate, r, 20, false);
    await printOn(daysAgo(ctx, 17), registrar, fate.caseId, "agency");
    await sendOn(daysAgo(ctx, 17), registrar, fate.caseId, "agency", "cta_handover");
    await recordFateEvent(daysAgo(ctx, 10), registrar, fate.caseId, { kind: "transfer", date: day(ctx, -10), place: T.INTERNMENT[1]! });
    await printOn(daysAgo(ctx, 8), registrar, fate.caseId, "agency");
    await sendOn(daysAgo(ctx, 8), registrar, fate.caseId, "agency", "post");
    await recordFateEvent(daysAgo(ctx, 2), registrar, fate.caseId, { kind: "hospitalisation", date: day(ctx, -2), place: T.HOSPITALS[0]!, health: "seriously_wounded" });
  }
  if (choice) {
    await registerOn(ctx, registrar, choice, r, 15, true);
    await printOn(daysAgo(ctx, 13), registrar, choice.caseId, "agency");
    await printOn(daysAgo(ctx, 13), registrar, choice.caseId, "family");
    await sendOn(daysAgo(ctx, 13), registrar, choice.caseId, "agency", "post");
    await sendOn(daysAgo(ctx, 12), registrar, choice.caseId, "family", "post");
    // His choice is to stay: the resettlement officer takes his family's way out, as in the resettlement demo.
    await assignCase(daysAgo(ctx, 6), registrar, choice.caseId, { userId: officer.user.id });
    await recordChoice(daysAgo(ctx, 6), registrar, choice.caseId, { choice: "stay", date: day(ctx, -6), words: T.CHOICE_WORDS, shareWith: [officer.user.id] });
  }
  const stages = Math.min(men.length, 5);
  return `Registration: ${stages} men registered at every stage (a card due, one printed but not sent and overdue, cards sent to the agency and the family, a transfer and a hospital stay, his choice) and ${Math.max(men.length - 5, 0)} waiting to be registered.`;
}
