import { eq, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases } from "../db/schema.js";
import type { StaffSession } from "../auth/sessions.js";
import type { Channel, CaseState, TeamId } from "../../shared/case-states.js";
import { recordIntake, appendInboundMessage, addStaffMessage, assignCase, transitionCase, mergeCase } from "../cases/index.js";
import { handOverToVerification, recheckReasons } from "../verification/index.js";
import * as W from "./texts.js";
import { demoCaptivity, demoFinalEvent, handToRegistration, registerDemoPrisoner, type DemoMan } from "./registrations.js";
import { demoVerification, demoWatchlistByHand, demoWatchlistHit, type DemoVerifiers } from "./verification.js";

/** A small seeded generator (mulberry32): the same demo every time. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

/** The path a case walks, and how far the demo takes each one (weights roughly like the real funnel). */
const PATH: CaseState[] = ["new", "in_contact", "preliminary", "verifying", "verified", "awaiting_deployment", "planning", "scheduled", "handed_over", "registered_pow", "closed"];
const ENDINGS: [CaseState, number][] = [
  ["new", 10], ["in_contact", 16], ["preliminary", 16], ["verifying", 9], ["verified", 4], ["rejected", 10], ["awaiting_deployment", 12],
  ["planning", 4], ["scheduled", 3], ["handed_over", 2], ["no_show", 2], ["aborted", 2], ["registered_pow", 3], ["closed", 7],
];

export interface DemoStaff extends DemoVerifiers {
  operators: StaffSession[];
  verifier: StaffSession;
  coordinator: StaffSession;
  registrar: StaffSession;
}

interface Person {
  surname: string;
  first: string;
  patronymic: string;
  rank: string;
  unit: string;
  place: string;
  birth: string;
  service: string;
  phone: string;
  telegram: string;
}

function person(r: ReturnType<typeof prng>): Person {
  const d = r.int(1, 28);
  const m = r.int(1, 12);
  return {
    surname: r.pick(W.SURNAMES),
    first: r.pick(W.FIRST_NAMES),
    patronymic: r.pick(W.PATRONYMICS),
    rank: r.pick(W.RANKS),
    unit: `в/ч ${r.int(10000, 99999)}, ${r.pick(W.UNIT_KINDS)}`,
    place: r.pick(W.PLACES),
    birth: `${String(d).padStart(2, "0")}.${String(m).padStart(2, "0")}.${r.int(1975, 2005)}`,
    service: `${String.fromCharCode(0x410 + r.int(0, 20))}${String.fromCharCode(0x410 + r.int(0, 20))}-${r.int(100000, 999999)}`,
    phone: `+7 9${r.int(10, 99)} ${r.int(100, 999)}-${r.int(10, 99)}-${r.int(10, 99)}`,
    telegram: `@${["soldat", "ivan", "zhit", "domoy", "north", "vasya", "tank", "mir"][r.int(0, 7)]}_${r.int(100, 9999)}`,
  };
}

const fill = (s: string, p: Person, extra: Record<string, string> = {}) =>
  s.replace(/\{(\w+)\}/g, (_m, k: string) => extra[k] ?? (p as unknown as Record<string, string>)[k] ?? "");

/**
 * Fill the demo store with a hotline's worth of cases, through the real commands: intake on every
 * channel, replies and notes, transitions with reasons, hand-overs between teams, duplicates (some
 * merged), and a few fresh cases left unanswered so the inbox shows overdue ones.
 */
/**
 * Registration's own men: older than the rest and walked to the handover, so that however small
 * the demo, the registrar has men to register at every stage (demo/registrations.ts). The random
 * funnel seldom leaves one in registered_pow (a few in a hundred reach it, fewer in time), and the
 * rewards and resettlement demos take the ones that do.
 */
export const REGISTRATION_MEN = 6;

export async function loadDemoCases(ctx: AppContext, staff: DemoStaff, count = 320): Promise<{ cases: number; merged: number; duplicates: number; handedOver: DemoMan[] }> {
  const r = prng(7229);
  const end = ctx.now().getTime();
  let clock = end;
  const dctx: AppContext = { ...ctx, now: () => new Date(clock) };
  const step = (minMin: number, maxMin: number) => {
    clock += r.int(minMin * 60, maxMin * 60) * 1000;
    return clock < end - 30_000;
  };
  const total = ENDINGS.reduce((n, [, w]) => n + w, 0);
  const ending = (): CaseState => {
    let x = r.next() * total;
    for (const [s, w] of ENDINGS) if ((x -= w) < 0) return s;
    return "closed";
  };
  const recent: { caseId: string; p: Person; channel: Channel }[] = [];
  let duplicates = 0;
  let merged = 0;
  const provocations: Person[] = [];
  const verified: { caseId: string; phone: string }[] = [];

  for (let i = 0; i < count; i++) {
    // Most cases are days or weeks old; a fifth arrived in the last hours.
    const hoursAgo = r.chance(0.2) ? r.next() * 6 : r.chance(0.4) ? 6 + r.next() * 66 : 72 + r.next() * 430;
    clock = end - hoursAgo * 3600_000;
    const channel: Channel = r.pick(["telegram", "telegram", "telegram", "telegram", "whatsapp", "whatsapp", "web", "web", "web", "phone"] as const);
    // Now and then the same person writes again on another channel: a duplicate to find.
    const again = recent.length > 10 && r.chance(0.07) ? r.pick(recent) : null;
    const p = again ? again.p : person(r);
    const relative = !again && r.chance(0.12);
    const caseId = await takeIn(p, channel, relative);
    if (again) duplicates++;
    else recent.push({ caseId, p, channel });
    await walk(caseId, p, channel, again?.caseId ?? null, hoursAgo < 6);
  }

  // After the others, so the funnel above draws the same numbers as before they were added.
  const handedOver: DemoMan[] = [];
  for (let i = 0; i < REGISTRATION_MEN; i++) {
    clock = end - (500 - i * 3) * 3600_000;
    const p = person(r);
    const caseId = await takeIn(p, "telegram", false);
    await walk(caseId, p, "telegram", null, false, "handed_over");
    const [row] = await ctx.db.select({ state: cases.state, teamId: cases.teamId }).from(cases).where(eq(cases.id, caseId));
    if (row?.state === "handed_over" && row.teamId === "registration") handedOver.push({ caseId, prisoner: p });
  }

  async function takeIn(p: Person, channel: Channel, relative: boolean) {
    const first = relative ? r.pick(W.FIRST_MESSAGES_UK) : fill(r.pick(W.FIRST_MESSAGES_RU), p);
    const name = `${p.surname} ${p.first} ${p.patronymic}`;
    const identifiers = {
      name,
      ...(channel === "telegram" ? { telegram_username: p.telegram } : { phone: p.phone }),
      ...(channel === "whatsapp" ? { whatsapp: p.phone } : {}),
      ...(r.chance(0.3) ? { service_number: p.service } : {}),
    };
    const { caseId } = await recordIntake(dctx, {
      channel,
      sections: {
        identity: { name, rank: p.rank, unit: p.unit, birth_date: p.birth },
        contact: { ...(channel === "telegram" ? { telegram: p.telegram } : { phone: p.phone }), preferred_channel: channel, ...(relative ? { relative: "так" } : {}) },
        questionnaire: { group: r.pick([1, 1, 1, 2, 3]), region: r.pick(W.REGIONS), deployment: p.place, equipment: r.pick(W.EQUIPMENT) },
      },
      message: channel === "phone" ? `Дзвінок: ${first}` : first,
      identifiers,
      ...(channel === "web" ? { receipt: "digits" as const } : {}),
    });
    return caseId;
  }

  async function inbound(caseId: string, channel: Channel, text: string) {
    const [row] = await ctx.db.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, caseId));
    await dctx.db.transaction((tx) => appendInboundMessage(dctx, tx, { caseId, casePublicKey: row!.publicKey!, channel, text, at: dctx.now() }));
  }

  async function move(who: StaffSession, caseId: string, to: CaseState) {
    // A first reply already moved a new case to in_contact.
    const [row] = await ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, caseId));
    if (row?.state === to) return;
    await transitionCase(dctx, who, caseId, to, r.pick(W.REASONS[to] ?? ["—"]));
  }

  async function walk(caseId: string, p: Person, channel: Channel, duplicateOf: string | null, recentCase: boolean, forced?: CaseState) {
    // Only a fresh case is still waiting for its first answer; older ones were all answered.
    const drawn = forced ?? ending();
    const target = drawn === "new" && !recentCase ? "in_contact" : drawn;
    const op = r.pick(staff.operators);
    const stopAt = target === "rejected" ? "verifying" : target === "no_show" || target === "aborted" ? "scheduled" : target;
    const last = PATH.indexOf(stopAt as CaseState);
    if (last < 1 || !step(2, 25)) return; // new, unanswered (overdue if older than the target)

    if (r.chance(0.5)) await assignCase(dctx, op, caseId, { userId: op.user.id });
    await addStaffMessage(dctx, op, caseId, "reply", r.pick(W.REPLIES.slice(0, 2)));
    if (duplicateOf && r.chance(0.5)) {
      // The operator spots the duplicate and merges the new case into the earlier one.
      const n = await mergeCase(dctx, op, caseId, duplicateOf, "Той самий заявник з іншого каналу").then(
        () => 1,
        () => 0,
      );
      merged += n;
      if (n) return;
    }
    if (!step(3, 90)) return;
    await inbound(caseId, channel, fill(r.pick(W.FOLLOW_UPS), p));
    if (recentCase && r.chance(0.3) && !step(0, 1)) return; // his last message waits for an answer
    if (!step(2, 20)) return;
    await addStaffMessage(dctx, op, caseId, "reply", r.pick(W.REPLIES.slice(2)));
    if (r.chance(0.4)) await addStaffMessage(dctx, op, caseId, "note", target === "rejected" && r.chance(0.5) ? W.SUSPICIOUS_NOTE : r.pick(W.NOTES));

    const holders: Partial<Record<TeamId, StaffSession>> = { intake: op, verification: staff.verifier, coordination: staff.coordinator, registration: staff.registrar };
    let team: TeamId = "intake";
    for (let k = 1; k <= last; k++) {
      const to = PATH[k]!;
      if (!step(k < 3 ? 5 : 60, k < 3 ? 240 : 1800)) return;
      // A duplicate merged in after the verdict brings details the verifiers never saw: the case
      // waits for its re-check (the planning guard would refuse it), as it would on a real shift.
      if (to === "planning" && (await recheckReasons(ctx.db, caseId)).length) return;
      // The operator hands the preliminary surrender to verification; the verdict is two verifiers' (and a supervisor's).
      if (to === "verifying") {
        await handOverToVerification(dctx, op, caseId, r.pick(W.REASONS.verifying ?? ["—"]));
        team = "verification";
        if (target === "verifying") await demoVerification(dctx, staff, caseId, r.pick(["first", "second", "disagreement", "signoff"] as const), r.pick, r.chance);
        continue;
      }
      if (to === "verified") {
        await demoVerification(dctx, staff, caseId, "verified", r.pick, r.chance);
        if (channel !== "telegram") verified.push({ caseId, phone: p.phone });
        continue;
      }
      // Each stage moves its own cases (policy: a stage grant per move): after the handover, registration takes over.
      const nextTeam: TeamId = k <= 2 ? "intake" : k <= 4 ? "verification" : k <= 8 ? "coordination" : "registration";
      if (nextTeam !== team) {
        await assignCase(dctx, holders[team]!, caseId, { teamId: nextTeam, userId: null });
        team = nextTeam;
      }
      // The registrar records him before registering (the Art. 17 guard), and his fate before closing.
      if (to === "registered_pow") await registerDemoPrisoner(dctx, staff.registrar, caseId, p, r);
      if (to === "closed") await demoFinalEvent(dctx, staff.registrar, caseId, r);
      await move(holders[team]!, caseId, to);
      if (to === "handed_over") {
        await handToRegistration(dctx, holders[team]!, caseId);
        team = "registration";
      }
      if (to === "registered_pow") await demoCaptivity(dctx, staff.registrar, caseId, r);
      if (to === "awaiting_deployment" && step(30, 600)) {
        await inbound(caseId, channel, fill(r.pick(W.FOLLOW_UPS), p));
        if (step(3, 14)) await addStaffMessage(dctx, staff.coordinator, caseId, "reply", r.pick(W.REPLIES.slice(3)));
      }
      if ((to === "planning" || to === "scheduled") && step(5, 120)) {
        await inbound(caseId, channel, r.pick(W.PLANNING_MESSAGES));
        if (step(2, 15)) await addStaffMessage(dctx, staff.coordinator, caseId, "reply", r.pick(W.PLANNING_REPLIES));
      }
    }
    if (target === "rejected" && step(30, 600) && (await demoVerification(dctx, staff, caseId, "rejected", r.pick, r.chance)) === "provocation") provocations.push(p);
    if ((target === "no_show" || target === "aborted") && step(60, 600)) await move(staff.coordinator, caseId, target);
  }

  // A provocation writes again from the same number a little later: the watchlist flags it.
  if (provocations[0]) await demoWatchlistHit(dctx, provocations[0].phone);
  // Now, after every verdict: a neighbouring line warns of a number, and it is one a verified man gave.
  clock = end;
  await demoWatchlistByHand(dctx, staff.verifiers[0], verified);

  // Answered cases were read by whoever answered them.
  await ctx.db.execute(sql`UPDATE cases SET unread_count = 0 WHERE last_outbound_at IS NOT NULL AND (last_inbound_at IS NULL OR last_inbound_at <= last_outbound_at)`);
  return { cases: count, merged, duplicates, handedOver };
}
