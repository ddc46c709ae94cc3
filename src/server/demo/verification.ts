import { and, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { recordIntake } from "../cases/index.js";
import { addWatchlistEntry, decideAsSupervisor, recordCheck, recordReview } from "../verification/index.js";
import { cases } from "../db/schema.js";
import type { ReasonCode } from "../../shared/verification.js";

/** Where a demo case's verification stops: every stage of the two-review path is shown. */
export type DemoVerdict = "first" | "second" | "disagreement" | "signoff" | "verified" | "rejected";

export interface DemoVerifiers {
  verifiers: [StaffSession, StaffSession];
  supervisor: StaffSession;
}

const NOTES = {
  genuine: ["Номер частини і звання узгоджуються, розповідь стабільна", "Фото військового квитка збігається з даними анкети"],
  provocation: ["Розпитує про місця зустрічі й маршрути", "Той самий номер писав від імені іншої людини"],
  fake: ["Номер частини не існує в указаному секторі", "Дані змінюються від повідомлення до повідомлення"],
  not_serious: ["Жарт, на уточнення не відповідає"],
  unreachable: ["Не виходить на зв'язок понад тиждень"],
  duplicate: ["Уже є звернення цієї людини"],
} as const satisfies Partial<Record<ReasonCode, readonly string[]>>;

const REJECT_CODES = ["provocation", "fake", "not_serious", "unreachable"] as const;

/** A demo case through the real verification commands, from the checklist to the verdict. */
export async function demoVerification(ctx: AppContext, s: DemoVerifiers, caseId: string, to: DemoVerdict, pick: <T>(xs: readonly T[]) => T, chance: (p: number) => boolean): Promise<ReasonCode | null> {
  const [a, b] = s.verifiers;
  if (to === "first") return null;
  await recordCheck(ctx, a, caseId, "identity_consistent", { result: to === "rejected" ? "doubtful" : "holds" });
  await recordCheck(ctx, a, caseId, "watchlist_checked", { result: "holds" });
  if (to === "signoff") {
    // He asked about procedures and his unit does not fit the sector: high risk (45 against 40 by
    // default). Both verifiers still find him genuine, so the case waits for a supervisor's sign-off.
    await recordCheck(ctx, a, caseId, "contact_pattern", { result: "fails", note: "Питав, як саме проходить вихід, але не про місця" });
    await recordCheck(ctx, b, caseId, "unit_plausible", { result: "fails", note: "Частина за даними не в цьому секторі; можливо, нещодавня ротація" });
    await recordReview(ctx, a, caseId, { decision: "verified", reasonCode: "genuine", note: pick(NOTES.genuine) });
    await recordReview(ctx, b, caseId, { decision: "verified", reasonCode: "genuine", note: pick(NOTES.genuine) });
    return null;
  }
  if (to === "second") {
    await recordReview(ctx, a, caseId, { decision: "verified", reasonCode: "genuine", note: pick(NOTES.genuine) });
    return null;
  }
  const code: ReasonCode = to === "rejected" ? pick(REJECT_CODES) : "genuine";
  if (code === "provocation") await recordCheck(ctx, b, caseId, "contact_pattern", { result: "fails", note: pick(NOTES.provocation) });
  const split = to === "disagreement" || (to === "rejected" && chance(0.3));
  await recordReview(ctx, a, caseId, split ? { decision: "verified", reasonCode: "genuine", note: pick(NOTES.genuine) } : { decision: to === "rejected" ? "rejected" : "verified", reasonCode: code, note: pick(NOTES[code as keyof typeof NOTES]) });
  const second = await recordReview(ctx, b, caseId, { decision: to === "verified" ? "verified" : "rejected", reasonCode: to === "verified" ? "genuine" : code === "genuine" ? "fake" : code, note: pick(NOTES[(to === "verified" ? "genuine" : code === "genuine" ? "fake" : code) as keyof typeof NOTES]) });
  if (to === "disagreement" || second.stage === "decided") return code;
  // A disagreement, or agreement on a high-risk case: the supervisor decides, with his reason.
  await decideAsSupervisor(ctx, s.supervisor, caseId, { decision: to === "verified" ? "verified" : "rejected", reasonCode: code, reason: to === "verified" ? "Ризик пояснено: питання стосуються лише власного виходу" : "Ознаки провокації переважують, погоджуюся з другою перевіркою" });
  return code;
}

/** A provocation writes again a week later from the same number on WhatsApp: the watchlist flags it. */
export async function demoWatchlistHit(ctx: AppContext, phone: string) {
  await recordIntake(ctx, { channel: "whatsapp", sections: {}, message: "Добрий день, хочу дізнатися, де у вас точки виходу", identifiers: { phone, whatsapp: phone } });
}

/**
 * A verifier puts on the watchlist, by hand, a number a neighbouring line warned of, with a note;
 * it is the number of a man verified earlier, whose case still waits for its handover: the entry
 * hits it, and the case waits for a re-check (the planning guard refuses it until then).
 */
export async function demoWatchlistByHand(ctx: AppContext, verifier: StaffSession, verified: { caseId: string; phone: string }[]) {
  const ids = verified.map((v) => v.caseId);
  // Still with the verification team: the coordinators' cases are planned into operations next (demo/operations.ts).
  const standing = ids.length ? await ctx.db.select({ id: cases.id }).from(cases).where(and(inArray(cases.id, ids), inArray(cases.state, ["verified", "awaiting_deployment"]), eq(cases.teamId, "verification"))) : [];
  const target = verified.find((v) => standing.some((s) => s.id === v.caseId));
  if (!target) return;
  await addWatchlistEntry(ctx, verifier.user, { kind: "phone", value: target.phone, reasonCode: "provocation", note: "Сусідня лінія: з цього номера розпитували про точки виходу" });
}
