import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { reviewAs } from "./support.js";

/**
 * "Needs verification" for operators (issue 11, point 5), over real HTTP: the operator's inbox
 * and case view mark a case that waits in verification or matched the watchlist, and show
 * nothing of why: no hit, reason, check note or review. He tries the verification endpoints
 * and is refused.
 */
type S = "oper" | "ver1" | "ver2";
let s: StaffedStore<S>;
const CHECK_NOTE = "Частина не існує з весни";
const REVIEW_NOTE = "Голос той самий, що в минулій провокації";
const WATCH_NOTE = "Номер провокатора з сусідньої лінії";

beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier" } });
  expect((await s.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 300_000);
afterAll(async () => s?.close());

type Row = { id: string; flags: string[] };
const inbox = async () => ((await s.staff.oper.request("GET", "/api/cases?limit=50")).json() as { items: Row[] }).items;
const flagsIn = async (id: string) => (await inbox()).find((r) => r.id === id)?.flags;

describe("the operator's marker", { timeout: 300_000 }, () => {
  it("marks a case waiting in verification and one that matched the watchlist, with nothing of why; the verification endpoints refuse him", async () => {
    const { oper, ver1, ver2 } = s.staff;
    const intake = (phone: string) => recordIntake(s.ctx, { channel: "whatsapp", sections: { contact: { phone } }, message: "Добрий день", identifiers: { whatsapp: phone } });

    // A case the operator moved into verification himself (it stays on his team); a verifier assigned to it checks and reviews it.
    const waiting = (await intake("+380 50 400 00 01")).caseId;
    expect((await oper.request("POST", `/api/cases/${waiting}/replies`, { text: "Ми на зв'язку" })).statusCode).toBe(201);
    for (const to of ["preliminary", "verifying"]) expect((await oper.request("POST", `/api/cases/${waiting}/transition`, { to, reason: "дані залишив" })).statusCode).toBe(200);
    expect((await oper.request("POST", `/api/cases/${waiting}/assign`, { userId: ver1.userId })).statusCode).toBe(204);
    expect((await ver1.request("PUT", `/api/cases/${waiting}/verification/checks/unit_plausible`, { result: "fails", note: CHECK_NOTE })).statusCode).toBe(204);
    expect((await reviewAs(ver1, waiting, "rejected", "fake", REVIEW_NOTE)).json()).toEqual({ stage: "second" });

    // A number the verifiers put on the watchlist writes in; another number writes too.
    expect((await ver1.request("POST", "/api/verification/watchlist", { kind: "phone", value: "+380 50 400 00 02", note: WATCH_NOTE })).statusCode).toBe(201);
    const hit = (await intake("+380 50 400 00 02")).caseId;
    const plain = (await intake("+380 50 400 00 03")).caseId;

    expect(await flagsIn(waiting)).toEqual(["needs_verification"]);
    expect(await flagsIn(hit)).toEqual(["needs_verification"]);
    expect(await flagsIn(plain)).toEqual([]);

    for (const id of [waiting, hit]) {
      const opened = await oper.request("GET", `/api/cases/${id}`);
      expect(opened.statusCode, opened.body).toBe(200);
      expect(opened.json().flags).toEqual(["needs_verification"]);
      // The state only: no hit, reason, note or decision of the verifiers.
      for (const secret of [CHECK_NOTE, REVIEW_NOTE, WATCH_NOTE, "provocation", "watchlist", "\"fake\"", "rejected\"", "fails"]) expect(opened.body).not.toContain(secret);
      // Attack: he asks the verification endpoints directly.
      expect((await oper.request("GET", `/api/cases/${id}/verification`)).statusCode).toBe(403);
    }
    for (const path of ["/api/verification/queue", "/api/verification/hits", "/api/verification/watchlist", "/api/verification/rechecks", "/api/verification/supervision"]) {
      const r = await oper.request("GET", path);
      expect(r.statusCode, path).toBe(403);
      expect(r.body).not.toMatch(/400 00 0|Номер|Частина/);
    }
    expect((await oper.request("POST", `/api/cases/${waiting}/verification/reviews`, { decision: "verified", reasonCode: "genuine" })).statusCode).toBe(403);
    // A verifier who may read verification sees the hit behind the marker.
    expect(((await ver2.request("GET", "/api/verification/hits")).json() as { caseId: string }[]).some((h) => h.caseId === hit)).toBe(true);
  });
});
