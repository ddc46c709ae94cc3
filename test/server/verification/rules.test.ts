import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { signInAgain } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { DEFAULT_SETTINGS } from "../../../src/server/verification/settings.js";
import type { VerificationSettings } from "../../../src/server/verification/settings.js";
import { handOver } from "./support.js";

/**
 * Points 1 to 3 of issue 11 as data, over real HTTP: the round's due time follows the SLA
 * setting in force at the hand-over, a checklist item an admin adds or rewrites is on the next
 * case's checklist, and the risk factors "one channel identity used by several applicants" and
 * "a burst of first contacts" appear with their contribution when present and not otherwise.
 */
type S = "oper" | "ver1";
let s: StaffedStore<S>;
const HOUR = 3_600_000;

beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier" } });
  expect((await s.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 300_000);
afterAll(async () => s?.close());

/** Time passes; longer than a session stays idle, so everyone signs in again. */
async function later(ms: number) {
  s.clock.tick(ms);
  for (const k of Object.keys(s.staff) as S[]) s.staff[k] = await signInAgain(s.staff[k], s.clock);
  s.admin = await signInAgain(s.admin, s.clock);
}
const settings = async (change: Partial<VerificationSettings>) => {
  const r = await s.admin.request("PUT", "/api/verification/settings", { ...DEFAULT_SETTINGS, ...change });
  expect(r.statusCode, r.body).toBe(200);
};
/** A web request recorded now, with these identifiers, handed over to verification. */
async function handedOver(identifiers: Record<string, string> = {}) {
  const { caseId } = await recordIntake(s.ctx, { channel: "web", sections: { identity: { name: "Коваль Андрій" } }, message: "Хочу здатися", identifiers });
  await handOver(s.staff.oper, caseId);
  return caseId;
}
const panel = async (id: string) => {
  const r = await s.staff.ver1.request("GET", `/api/cases/${id}/verification`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const factor = async (id: string, name: string) => (await panel(id)).risk.factors.find((f: { factor: string }) => f.factor === name);

describe("verification rules as data", { timeout: 300_000 }, () => {
  it("a round is due 24 h after the hand-over by default, and a changed SLA applies from the next hand-over", async () => {
    const first = await handedOver();
    const handedAt = s.clock.now().getTime();
    const p = await panel(first);
    const entered = Date.parse(p.enteredAt);
    // The hand-over happened within the last requests of the test clock (each request may tick it).
    expect(entered).toBeLessThanOrEqual(handedAt);
    expect(handedAt - entered).toBeLessThan(HOUR);
    expect(Date.parse(p.dueAt) - entered).toBe(24 * HOUR);

    await settings({ slaHours: 6 });
    s.clock.tick(60_000);
    const second = await handedOver();
    const q = await panel(second);
    expect(Date.parse(q.dueAt) - Date.parse(q.enteredAt)).toBe(6 * HOUR);
    // The round already open keeps the due time it was handed over with.
    expect(Date.parse((await panel(first)).dueAt) - entered).toBe(24 * HOUR);
    // The queue shows the same due times, the shorter SLA first.
    const queue = (await s.staff.ver1.request("GET", "/api/verification/queue")).json() as { caseId: string; dueAt: string }[];
    expect(queue.filter((x) => x.caseId === first || x.caseId === second).map((x) => [x.caseId, x.dueAt])).toEqual([
      [second, q.dueAt],
      [first, p.dueAt],
    ]);
    await settings({});
  });

  it("a checklist item an admin adds or rewrites is on a new case's checklist, and can be checked", async () => {
    const before = await handedOver();
    expect((await s.staff.ver1.request("PUT", `/api/cases/${before}/verification/checks/voice_matches`, { result: "holds" })).statusCode).toBe(400);

    const added = { key: "voice_matches", label: { uk: "Голос збігається з попередніми дзвінками", en: "The voice matches earlier calls" }, factor: null };
    const rewritten = { uk: "Фото, документ або відео збігається", en: "The photo, document or video matches" };
    const checklist = DEFAULT_SETTINGS.checklist.map((i) => (i.key === "document_matches" ? { ...i, label: rewritten } : i));
    await settings({ checklist: [...checklist, added] });
    expect((await s.admin.request("GET", "/api/verification/settings")).json().checklist).toHaveLength(DEFAULT_SETTINGS.checklist.length + 1);

    s.clock.tick(60_000);
    const id = await handedOver();
    const items = (await panel(id)).checklist as { key: string; label: unknown; result: string; byId: string | null; byName: string | null; at: string | null }[];
    expect(items.map((i) => i.key)).toEqual([...DEFAULT_SETTINGS.checklist.map((i) => i.key), "voice_matches"]);
    expect(items.at(-1)).toEqual({ key: "voice_matches", label: added.label, result: "not_checked", note: null, byId: null, byName: null, at: null });
    expect(items.find((i) => i.key === "document_matches")!.label).toEqual(rewritten);

    const checked = await s.staff.ver1.request("PUT", `/api/cases/${id}/verification/checks/voice_matches`, { result: "doubtful", note: "схоже, але шум" });
    expect(checked.statusCode, checked.body).toBe(204);
    const at = s.clock.now().getTime();
    const item = ((await panel(id)).checklist as typeof items).find((i) => i.key === "voice_matches")!;
    expect(item).toMatchObject({ result: "doubtful", note: "схоже, але шум", byId: s.staff.ver1.userId, byName: "Test ver1" });
    expect(at - Date.parse(item.at!)).toBeLessThan(HOUR);
    await settings({});
  });

  it("one channel identity used by several applicants counts, with its weight, only where it is shared", async () => {
    // Hours after the cases above, and minutes apart: no burst is counted here.
    await later(3 * HOUR);
    const alone = await handedOver({ phone: "+380 63 000 11 22" });
    s.clock.tick(5 * 60_000);
    const a = await handedOver({ telegram_id: "555000111" });
    s.clock.tick(5 * 60_000);
    expect(await factor(a, "shared_channel_identity")).toBeUndefined();
    const b = await handedOver({ telegram_id: "555000111", phone: "+380 63 999 88 77" });
    const { weights } = DEFAULT_SETTINGS;
    for (const id of [a, b]) expect(await factor(id, "shared_channel_identity")).toEqual({ factor: "shared_channel_identity", count: 1, weight: weights.shared_channel_identity, contribution: weights.shared_channel_identity });
    expect(await factor(alone, "shared_channel_identity")).toBeUndefined();
    // Its contribution is in the score.
    expect((await panel(b)).risk.score).toBe(weights.shared_channel_identity);
    expect((await panel(alone)).risk.score).toBe(0);
  });

  it("a burst of first contacts in a short window counts, with its weight, for the contact that completes it", async () => {
    await later(3 * HOUR);
    await settings({ burst: { count: 3, minutes: 5 }, weights: { ...DEFAULT_SETTINGS.weights, first_contact_burst: 25 } });
    // Three contacts six minutes apart: never three in five minutes.
    const spread = [];
    for (let i = 0; i < 3; i++) {
      s.clock.tick(6 * 60_000);
      spread.push(await handedOver());
    }
    for (const id of spread) expect(await factor(id, "first_contact_burst")).toBeUndefined();
    // Three within a minute and a half: the third completes the burst.
    s.clock.tick(6 * 60_000);
    const burst = [];
    for (let i = 0; i < 3; i++) {
      burst.push(await handedOver());
      s.clock.tick(30_000);
    }
    expect(await factor(burst[0]!, "first_contact_burst")).toBeUndefined();
    expect(await factor(burst[2]!, "first_contact_burst")).toEqual({ factor: "first_contact_burst", count: 1, weight: 25, contribution: 25 });
    expect((await panel(burst[2]!)).risk.score).toBe(25);
    await settings({});
  });
});
