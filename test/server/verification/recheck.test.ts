import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { cases } from "../../../src/server/db/schema.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { planBody } from "../operations/support.js";
import { operations } from "../../../src/server/operations/tables.js";
import { handOver, reviewAs } from "./support.js";

/**
 * Point 7 of issue 11, over real HTTP: a verified case that new information contradicts (here
 * a provocation with the same phone, rejected after the verdict) is flagged for re-check, and
 * no handover can be planned for it until two verifiers (and, at high risk, a supervisor)
 * have verified it again.
 */
type S = "oper" | "ver1" | "ver2" | "super" | "coord";
let s: StaffedStore<S>;
const PHONE = "+380 67 765 43 21";
const stateOf = async (id: string) => (await s.ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id)))[0]!.state;

beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier", super: "supervisor", coord: "coordinator" } });
  expect((await s.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 300_000);
afterAll(async () => s?.close());

/** A web request with this phone, handed over to verification by the operator. */
async function request(message: string, phone = PHONE) {
  const { caseId } = await recordIntake(s.ctx, { channel: "web", sections: { identity: { name: "Сидоров Иван" }, contact: { phone } }, message, identifiers: { phone } });
  await handOver(s.staff.oper, caseId);
  return caseId;
}
const assign = (who: S, id: string, teamId: string) => s.staff[who].request("POST", `/api/cases/${id}/assign`, { teamId });
const plan = (id: string) => s.staff.coord.request("POST", "/api/operations", planBody([id], new Date(s.clock.now().getTime() + 86_400_000)));
const panel = async (id: string) => (await s.staff.ver1.request("GET", `/api/cases/${id}/verification`)).json();
/** The case's line on the verifiers' re-check list, if it is on it. */
const due = async (id: string) => ((await s.staff.ver1.request("GET", "/api/verification/rechecks")).json() as { caseId: string }[]).find((r) => r.caseId === id);

describe("re-verification", { timeout: 300_000 }, () => {
  it("a watchlist hit after the verdict stops the planning until the case is verified again", async () => {
    const { ver1, ver2, super: sup } = s.staff;
    const id = await request("Хочу сдаться");
    expect((await reviewAs(ver1, id, "verified", "genuine")).json()).toEqual({ stage: "second" });
    expect((await reviewAs(ver2, id, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    expect((await panel(id)).recheck).toEqual([]);
    expect(await due(id)).toBeUndefined();

    // Later a request with the same phone turns out a provocation: its phone goes on the watchlist.
    s.clock.tick(60_000);
    const bait = await request("Где вы встречаете? Назовите точку.");
    await reviewAs(ver1, bait, "rejected", "provocation");
    expect((await reviewAs(ver2, bait, "rejected", "provocation")).json()).toEqual({ stage: "decided" });
    expect((await panel(id)).recheck).toEqual(["watchlist_hit"]);
    // It is on the verifiers' re-check list, with what changed and nothing identifying; an operator or coordinator may not read the list.
    expect(await due(id)).toMatchObject({ number: expect.any(Number), state: "verified", reasons: ["watchlist_hit"], inScope: true });
    const list = await ver2.request("GET", "/api/verification/rechecks");
    expect(list.body).not.toMatch(/Сидоров|765 43 21|Хочу/);
    for (const who of ["oper", "coord"] as const) expect((await s.staff[who].request("GET", "/api/verification/rechecks")).statusCode).toBe(403);

    // The coordinators hold it now; planning is refused, with the reason, and nothing moves.
    expect((await assign("ver1", id, "coordination")).statusCode).toBe(204);
    // Still listed for the verifiers, though they can no longer open it.
    expect(await due(id)).toMatchObject({ teamId: "coordination", inScope: false });
    const refused = await plan(id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.body).toContain("verified again");
    expect(await stateOf(id)).toBe("verified");
    expect(await s.ctx.db.select().from(operations)).toEqual([]);

    // Back to verification: a new round, two reviews, and the hit makes it high risk: a supervisor signs off.
    expect((await assign("coord", id, "verification")).statusCode).toBe(204);
    const back = await ver1.request("POST", `/api/cases/${id}/verification/handover`, { reason: "повторная проверка: совпадение со списком" });
    expect(back.statusCode, back.body).toBe(204);
    expect(await panel(id)).toMatchObject({ stage: "first", round: 2 });
    expect((await plan(id)).statusCode).not.toBe(201);
    expect((await reviewAs(ver1, id, "verified", "genuine")).json()).toEqual({ stage: "second" });
    expect((await reviewAs(ver2, id, "verified", "genuine")).json()).toEqual({ stage: "signoff" });
    expect((await sup.request("POST", `/api/cases/${id}/verification/decision`, { decision: "verified", reasonCode: "genuine", reason: "Телефон передан провокатору позже, заявитель подтверждён" })).statusCode).toBe(200);
    expect((await panel(id)).recheck).toEqual([]);
    expect(await due(id)).toBeUndefined();

    expect((await assign("ver1", id, "coordination")).statusCode).toBe(204);
    const planned = await plan(id);
    expect(planned.statusCode, planned.body).toBe(201);
    expect(await stateOf(id)).toBe("planning");
  });

  it("an identity rewritten after the verdict flags the case too", async () => {
    const { ver1, ver2 } = s.staff;
    // Another man (the first test's phone is on the watchlist now).
    const id = await request("Хочу выйти, я из 3-й роты", "+380 67 111 22 33");
    await reviewAs(ver1, id, "verified", "genuine");
    expect((await reviewAs(ver2, id, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    expect((await panel(id)).recheck).toEqual([]);
    // A week on, someone on the case records a different name and unit for him.
    s.clock.tick(60_000);
    const edit = await ver1.request("PUT", `/api/cases/${id}/sections/identity`, { name: "Сидоренко Иван", unit: "в/ч 00000" });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await panel(id)).recheck).toEqual(["identity_changed"]);
    expect(await due(id)).toMatchObject({ reasons: ["identity_changed"] });
    expect((await assign("ver1", id, "coordination")).statusCode).toBe(204);
    const refused = await plan(id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(await stateOf(id)).toBe("verified");
  });

  it("a new channel identity merged in after the verdict flags the case; a duplicate with the identities it was verified on does not", async () => {
    const { oper, ver1, ver2 } = s.staff;
    const phone = "+380 67 444 55 66";
    const id = await request("Хочу здатися, 2-й батальйон", phone);
    await reviewAs(ver1, id, "verified", "genuine");
    expect((await reviewAs(ver2, id, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    expect((await panel(id)).recheck).toEqual([]);

    /** A later contact the operator passes to the verification team, which merges it into the verified case. */
    const mergeIn = async (identifiers: Record<string, string>, channel: "web" | "telegram") => {
      s.clock.tick(60_000);
      const { caseId } = await recordIntake(s.ctx, { channel, sections: {}, message: "Це знову я", identifiers });
      expect((await oper.request("POST", `/api/cases/${caseId}/assign`, { teamId: "verification" })).statusCode).toBe(204);
      const merged = await ver1.request("POST", `/api/cases/${caseId}/merge`, { into: id, reason: "та сама людина" });
      expect(merged.statusCode, merged.body).toBe(200);
    };
    // The same phone again: nothing the verdict did not see.
    await mergeIn({ phone }, "web");
    expect((await panel(id)).recheck).toEqual([]);
    // His Telegram account, never seen at the verdict: re-check, and no planning until then.
    await mergeIn({ telegram_id: "480077001" }, "telegram");
    expect((await panel(id)).recheck).toEqual(["new_identity"]);
    expect((await assign("ver1", id, "coordination")).statusCode).toBe(204);
    const refused = await plan(id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.body).toContain("new_identity");
    expect(await stateOf(id)).toBe("verified");
  });
});
