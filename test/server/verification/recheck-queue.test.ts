import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import type { AppContext } from "../../../src/server/context.js";
import { handOver, reviewAs } from "./support.js";

/**
 * The verifiers' re-check list (issue 11, point 7) over real HTTP, on either store: 30 verified
 * cases, each with its reason (a watchlist entry listed after the verdict, an identity written
 * again), are listed with the right reasons; asking for them costs as many statements as asking
 * for one (the list is one query, not a few per verdict); it comes in pages; bad paging is a 400.
 */
type S = "oper" | "ver1" | "ver2";
let s: StaffedStore<S>;
beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier" } });
}, 300_000);
afterAll(async () => s?.close());

/** Every statement the app sends to the store while `fn` runs, counted at the driver (PGlite or node-postgres). */
async function statementsDuring(ctx: AppContext, fn: () => Promise<unknown>) {
  const client = (ctx.db as unknown as { $client: { query: (...args: unknown[]) => Promise<unknown> } }).$client;
  const original = client.query;
  let n = 0;
  client.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    client.query = original;
  }
  return n;
}

type Row = { caseId: string; number: number; reasons: string[]; inScope: boolean };
const list = async (query = "") => {
  const r = await s.staff.ver1.request("GET", `/api/verification/rechecks${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Row[];
};

/** A verified request of a man of this name, with his own phone. */
async function verified(name: string, i: number) {
  const phone = `+380 66 100 ${String(10 + Math.floor(i / 90)).padStart(2, "0")} ${String(10 + (i % 90)).padStart(2, "0")}`;
  const { caseId } = await recordIntake(s.ctx, { channel: "web", sections: { identity: { name }, contact: { phone } }, message: "Хочу здатися", identifiers: { name, phone } });
  await handOver(s.staff.oper, caseId);
  expect((await reviewAs(s.staff.ver1, caseId, "verified", "genuine")).json()).toEqual({ stage: "second" });
  expect((await reviewAs(s.staff.ver2, caseId, "verified", "genuine")).json()).toEqual({ stage: "decided" });
  return caseId;
}

describe("the re-check list", { timeout: 600_000 }, () => {
  it("30 cases due: the right ones with the right reasons, for the statements one costs, in pages", async () => {
    const NAME = "Коваленко Сергій";
    // One verified case first, flagged by an identity written again: the list of one.
    const first = await verified("Мельник Олег", 0);
    s.clock.tick(60_000);
    expect((await s.staff.ver1.request("PUT", `/api/cases/${first}/sections/identity`, { name: "Мельник Олег Іванович" })).statusCode).toBe(200);
    expect(await list()).toEqual([expect.objectContaining({ caseId: first, reasons: ["identity_changed"], inScope: true })]);
    const forOne = await statementsDuring(s.ctx, () => list());

    // 29 more of one name, verified; and two of another that nothing contradicts.
    const named: string[] = [];
    for (let i = 1; i <= 29; i++) named.push(await verified(NAME, i));
    const clean = [await verified("Шевчук Андрій", 40), await verified("Шевчук Андрій", 41)];
    s.clock.tick(60_000);
    // After the verdicts his name goes on the watchlist (no date: a name-only entry); one of them also has his identity rewritten.
    expect((await s.staff.ver1.request("POST", "/api/verification/watchlist", { kind: "name", value: NAME })).statusCode).toBe(201);
    expect((await s.staff.ver1.request("PUT", `/api/cases/${named[0]}/sections/identity`, { name: NAME, unit: "в/ч 00000" })).statusCode).toBe(200);

    const all = await list();
    expect(all).toHaveLength(30);
    expect(new Set(all.map((r) => r.caseId))).toEqual(new Set([first, ...named]));
    for (const id of clean) expect(all.map((r) => r.caseId)).not.toContain(id);
    const reasons = new Map(all.map((r) => [r.caseId, r.reasons]));
    expect(reasons.get(first)).toEqual(["identity_changed"]);
    expect(reasons.get(named[0]!)).toEqual(["identity_changed", "watchlist_hit"]);
    for (const id of named.slice(1)) expect(reasons.get(id)).toEqual(["watchlist_hit"]);
    // The latest verdicts first: the first case, verified before all the others, comes last.
    expect(all.at(-1)!.caseId).toBe(first);

    // Thirty cost what one did.
    expect(await statementsDuring(s.ctx, () => list())).toBe(forOne);

    // Pages: the same thirty, in order, twelve at a time.
    const pages = [await list("?limit=12"), await list("?limit=12&offset=12"), await list("?limit=12&offset=24")];
    expect(pages.map((p) => p.length)).toEqual([12, 12, 6]);
    expect(pages.flat().map((r) => r.caseId)).toEqual(all.map((r) => r.caseId));
    for (const bad of ["?limit=0", "?limit=501", "?offset=-1", "?limit=abc", "?page=2"]) {
      const r = await s.staff.ver1.request("GET", `/api/verification/rechecks${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toHaveProperty("error");
    }
  });
});
