import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { signInAgain, type StaffClient } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { verificationWatchlist } from "../../../src/server/verification/tables.js";
import { DEFAULT_SETTINGS } from "../../../src/server/verification/settings.js";
import type { AppContext } from "../../../src/server/context.js";

type S = "oper" | "ver1" | "ver2" | "ver3" | "super" | "coord";
let store: StaffedStore<S>;
let ctx: AppContext;
const PHONE = "+380 67 123 45 67";
const TG_ID = "480012345";

const stateOf = async (id: string) => (await ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id)))[0]!.state;

/** A web request the operator answers, triages and hands over to verification; `assignee` is named on it first. */
async function handedOver(opts: { identifiers?: Record<string, string>; assignee?: string } = {}) {
  const op = store.staff.oper;
  const { caseId } = await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Петров Пётр" }, contact: { phone: PHONE } }, message: "Хочу сдаться", identifiers: opts.identifiers ?? {} });
  expect((await op.request("POST", `/api/cases/${caseId}/replies`, { text: "Здравствуйте, мы на связи" })).statusCode).toBe(201);
  expect((await op.request("POST", `/api/cases/${caseId}/transition`, { to: "preliminary", reason: "данные оставлены" })).statusCode).toBe(200);
  if (opts.assignee) expect((await op.request("POST", `/api/cases/${caseId}/assign`, { userId: opts.assignee })).statusCode).toBe(204);
  const r = await op.request("POST", `/api/cases/${caseId}/verification/handover`, { reason: "предварительная сдача" });
  expect(r.statusCode, r.body).toBe(204);
  return caseId;
}
const signIn = (c: StaffClient) => signInAgain(c, store.clock);
const review = (who: S, id: string, decision: string, reasonCode: string, note?: string) => store.staff[who].request("POST", `/api/cases/${id}/verification/reviews`, { decision, reasonCode, ...(note ? { note } : {}) });

beforeAll(async () => {
  store = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier", ver3: "verifier", super: "supervisor", coord: "coordinator" } });
  ctx = store.ctx;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
  // Threshold 30: one "probing questions" failure (30) is high risk, the burst of test cases (15) is not.
  const put = await store.admin.request("PUT", "/api/verification/settings", { ...DEFAULT_SETTINGS, highRiskThreshold: 30 });
  expect(put.statusCode, put.body).toBe(200);
}, 300_000);
afterAll(async () => store?.close());

describe("two independent reviews", { timeout: 300_000 }, () => {
  it("refuses the operator, the case's own operator, one verifier twice, another team; keeps the second reviewer blind; a disagreement reaches the supervisor", async () => {
    let { oper: op, ver1: v1, super: sup } = store.staff;
    const { ver2: v2, ver3: v3, coord: co } = store.staff;
    const id = await handedOver({ assignee: v3.userId, identifiers: { phone: PHONE, telegram_id: TG_ID } });
    expect(await stateOf(id)).toBe("verifying");
    // An operator cannot verify or reject, neither by review nor by a plain move.
    expect((await review("oper", id, "verified", "genuine")).statusCode).toBe(403);
    expect((await op.request("POST", `/api/cases/${id}/transition`, { to: "rejected", reason: "сам" })).statusCode).not.toBe(200);
    expect((await co.request("GET", `/api/cases/${id}/verification`)).statusCode).toBe(403);
    // v3 was its assignee before the hand-over: he took the request, others review it.
    const own = await review("ver3", id, "verified", "genuine");
    expect(own.statusCode, own.body).toBe(403);
    expect((await v3.request("GET", `/api/cases/${id}/verification`)).json()).toMatchObject({ canReview: false, whyNot: "operator" });
    // Mismatched reason code: refused, nothing recorded.
    expect((await review("ver1", id, "verified", "provocation")).statusCode).toBe(400);

    const first = await review("ver1", id, "verified", "genuine", "всё сходится");
    expect(first.json()).toEqual({ stage: "second" });
    expect((await review("ver1", id, "rejected", "fake")).statusCode).toBe(409);
    // The second reviewer sees that one review exists, not which way or why.
    const blind = await v2.request("GET", `/api/cases/${id}/verification`);
    expect(blind.json()).toMatchObject({ stage: "second", reviewCount: 1, reviews: null, canReview: true });
    expect(blind.body).not.toContain("всё сходится");
    expect(blind.body).not.toMatch(/"decision"/);
    const timeline = await v2.request("GET", `/api/cases/${id}`);
    expect(timeline.body).not.toContain("genuine");

    expect((await review("ver2", id, "rejected", "provocation", "спрашивает про точки встречи")).json()).toEqual({ stage: "disagreement" });
    const seen = (await v2.request("GET", `/api/cases/${id}/verification`)).json();
    expect(seen.reviews.map((r: { decision: string }) => r.decision)).toEqual(["verified", "rejected"]);
    expect(await stateOf(id)).toBe("verifying");

    const queue = (await sup.request("GET", "/api/verification/supervision")).json();
    const item = queue.find((q: { caseId: string }) => q.caseId === id);
    expect(item).toMatchObject({ stage: "disagreement", reviews: [{ decision: "verified", reasonCode: "genuine" }, { decision: "rejected", reasonCode: "provocation" }] });
    expect(JSON.stringify(queue)).not.toMatch(/Петров|всё сходится|123 45/);
    expect((await sup.request("POST", `/api/cases/${id}/verification/decision`, { decision: "rejected", reasonCode: "provocation", reason: "" })).statusCode).toBe(400);
    expect((await v1.request("POST", `/api/cases/${id}/verification/decision`, { decision: "verified", reasonCode: "genuine", reason: "я прав" })).statusCode).toBe(403);
    const decided = await sup.request("POST", `/api/cases/${id}/verification/decision`, { decision: "rejected", reasonCode: "provocation", reason: "Вопросы о местах встречи" });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(await stateOf(id)).toBe("rejected");
    // Replays change nothing.
    expect((await sup.request("POST", `/api/cases/${id}/verification/decision`, { decision: "verified", reasonCode: "genuine", reason: "передумал" })).statusCode).toBe(409);
    expect((await review("ver2", id, "verified", "genuine")).statusCode).toBe(409);
    expect(await stateOf(id)).toBe("rejected");

    // A week later the same phone writes on WhatsApp and the same Telegram id to the bot: both flagged.
    store.clock.tick(7 * 24 * 3_600_000);
    // A week is longer than a session: everyone signs in again.
    for (const k of Object.keys(store.staff) as S[]) store.staff[k] = await signIn(store.staff[k]);
    store.admin = await signIn(store.admin);
    ({ oper: op, ver1: v1, super: sup } = store.staff);
    const wa = (await recordIntake(ctx, { channel: "whatsapp", sections: {}, message: "Здравствуйте", identifiers: { whatsapp: PHONE } })).caseId;
    const tg = (await recordIntake(ctx, { channel: "telegram", sections: {}, message: "/start", identifiers: { telegram_id: TG_ID } })).caseId;
    const other = (await recordIntake(ctx, { channel: "whatsapp", sections: {}, message: "Добрый день", identifiers: { whatsapp: "+380 50 000 00 01" } })).caseId;
    const hits = (await v1.request("GET", "/api/verification/hits")).json() as { caseId: string; reasonCode: string; kind: string }[];
    expect(hits.filter((h) => h.caseId === wa)).toEqual([expect.objectContaining({ kind: "whatsapp", reasonCode: "provocation" })]);
    expect(hits.filter((h) => h.caseId === tg)).toEqual([expect.objectContaining({ kind: "telegram_id", reasonCode: "provocation" })]);
    expect(hits.some((h) => h.caseId === other || h.caseId === id)).toBe(false);
    // The operator never sees the flag's reason.
    expect((await op.request("GET", "/api/verification/hits")).statusCode).toBe(403);

    // Seizure: the watchlist holds no identifier in clear.
    const rows = await ctx.db.select().from(verificationWatchlist);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const dump = JSON.stringify(rows);
    for (const needle of ["380671234567", "0671234567", "123 45 67", TG_ID, "Петров"]) expect(dump).not.toContain(needle);

    // Taking an entry off: a supervisor, with a reason; a verifier cannot.
    expect((await v1.request("POST", `/api/verification/watchlist/${rows[0]!.id}/remove`, { reason: "ошибка" })).statusCode).toBe(403);
    expect((await sup.request("POST", `/api/verification/watchlist/${rows[0]!.id}/remove`, { reason: "номер передан другому" })).statusCode).toBe(204);
    expect((await sup.request("POST", `/api/verification/watchlist/${rows[0]!.id}/remove`, { reason: "ещё раз" })).statusCode).toBe(409);
  });

  it("two agreeing reviews decide; a case outside the team is not found", async () => {
    const { ver1: v1, ver2: v2 } = store.staff;
    const id = await handedOver();
    expect((await review("ver1", id, "verified", "genuine")).json()).toEqual({ stage: "second" });
    expect((await review("ver2", id, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    expect(await stateOf(id)).toBe("verified");
    // Still at intake: the verification team does not see it.
    const { caseId: intake } = await recordIntake(ctx, { channel: "web", sections: {}, message: "Привет" });
    expect((await v1.request("POST", `/api/cases/${intake}/verification/reviews`, { decision: "verified", reasonCode: "genuine" })).statusCode).toBe(404);
    expect((await v2.request("GET", `/api/cases/${intake}/verification`)).statusCode).toBe(404);
  });

  it("a high-risk case cannot be verified without the supervisor's sign-off", async () => {
    const { ver1: v1, ver2: v2, super: sup } = store.staff;
    const id = await handedOver();
    expect((await v1.request("PUT", `/api/cases/${id}/verification/checks/contact_pattern`, { result: "fails", note: "спрашивает, где стоят наши" })).statusCode).toBe(204);
    const panel = (await v2.request("GET", `/api/cases/${id}/verification`)).json();
    expect(panel.risk).toMatchObject({ high: true, threshold: 30 });
    // A verifier's failed item counts on its own (no probing rule matched "Хочу сдаться"), and the factor says so.
    expect(panel.risk.factors).toEqual(expect.arrayContaining([{ factor: "probing_questions", count: 1, weight: 30, contribution: 30, failedCheck: true }]));
    expect(panel.checklist.find((c: { key: string }) => c.key === "contact_pattern")).toMatchObject({ result: "fails", note: "спрашивает, где стоят наши", byId: v1.userId });
    await review("ver1", id, "verified", "genuine");
    expect((await review("ver2", id, "verified", "genuine")).json()).toEqual({ stage: "signoff" });
    expect(await stateOf(id)).toBe("verifying");
    expect((await v2.request("POST", `/api/cases/${id}/transition`, { to: "verified", reason: "оба согласны" })).statusCode).toBe(409);
    expect((await sup.request("POST", `/api/cases/${id}/verification/decision`, { decision: "verified", reasonCode: "genuine", reason: "Риск объяснён, вопросы по делу" })).statusCode).toBe(200);
    expect(await stateOf(id)).toBe("verified");
  });

  it("bad input gets a 4xx and changes nothing", async () => {
    const { ver1: v1 } = store.staff;
    const id = await handedOver();
    expect((await v1.request("PUT", `/api/cases/${id}/verification/checks/no_such_item`, { result: "holds" })).statusCode).toBe(400);
    expect((await v1.request("PUT", `/api/cases/${id}/verification/checks/contact_pattern`, { result: "maybe" })).statusCode).toBe(400);
    expect((await v1.request("POST", `/api/cases/${id}/verification/reviews`, { decision: "perhaps", reasonCode: "genuine" })).statusCode).toBe(400);
    expect((await store.admin.request("PUT", "/api/verification/settings", { ...DEFAULT_SETTINGS, highRiskThreshold: -1 })).statusCode).toBe(400);
    expect((await v1.request("PUT", "/api/verification/settings", DEFAULT_SETTINGS)).statusCode).toBe(403);
    expect((await v1.request("GET", `/api/cases/${id}/verification`)).json()).toMatchObject({ stage: "first", reviewCount: 0 });
  });

  it("the supervisor's numbers count the rounds above without naming a case", async () => {
    const r = await store.staff.super.request("GET", "/api/verification/numbers");
    expect(r.statusCode, r.body).toBe(200);
    const n = r.json();
    // Rounds reviewed twice above: verified→rejected (supervised), verified+verified twice.
    expect(n.agreement).toMatchObject({ pairs: 3, agreed: 2 });
    // First always "verified", second 2 of 3: chance agreement 2/3 equals the observed, so kappa 0.
    expect(n.agreement.kappa).toBeCloseTo(0, 10);
    expect(n.decided).toBe(3);
    expect(n.rejectedByReason).toEqual([{ reason: "provocation", count: 1, share: 1 / 3 }]);
    expect(n.hoursToDecision.median).toBeGreaterThanOrEqual(0);
    // The WhatsApp and Telegram contacts that matched the watchlist (one entry has since been removed).
    expect(n.hitsByWeek.reduce((s: number, w: { count: number }) => s + w.count, 0)).toBeGreaterThanOrEqual(1);
    expect(r.body).not.toMatch(/"number"|caseId|Петров/);
    expect((await store.staff.ver1.request("GET", "/api/verification/numbers")).statusCode).toBe(403);
  });
});
