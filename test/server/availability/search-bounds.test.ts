import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import type { AppContext } from "../../../src/server/context.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { rowsOf } from "../../../src/server/db/index.js";
import { blindIndex } from "../../../src/server/crypto/blind-index.js";
import { CANDIDATE_BOUND, COUNT_BOUND } from "../../../src/server/cases/search-bounds.js";
import { SHARED_APPLICANT, seedCases, type KnownApplicant } from "../../../bench/seed-cases.js";
import type { CaseSummary } from "../../../src/shared/api/cases.js";

/**
 * Issue 17: with lopsided data (thousands of cases sharing a name, phone, Telegram account and
 * service number, as a flood of fakes leaves), every combination of search criteria stays under
 * its bound, answers only matching cases, and says when it stopped at a bound; a search that
 * runs past STAFF_QUERY_TIMEOUT_MS fails with a 503 in the error shape, changes nothing, and
 * the applicant site keeps answering meanwhile.
 */
const CASES = 6000;
const SHARED = 1000; // more than CANDIDATE_BOUND: every identifier read of the shared values is cut
const PER_SEARCH_MS = 3000; // generous for a shared 2-core test machine; the bench holds the 50 ms goal

let store: StaffedStore<"op1">;
let ctx: AppContext;
let op: StaffClient;
let known: KnownApplicant[];
let sharedIds: Set<string>;

beforeAll(async () => {
  store = await staffedStore({ publicApp: true, staff: { op1: "operator" } });
  ctx = store.ctx;
  op = store.staff.op1;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
  known = await seedCases(ctx, CASES, { known: 40, shared: SHARED });
  const phone = blindIndex(ctx.keys.subkey("index"), "phone", SHARED_APPLICANT.phone)!;
  sharedIds = new Set((await rowsOf<{ case_id: string }>(ctx.db, sql`SELECT case_id FROM blind_indexes WHERE kind = 'phone' AND value = ${phone}`)).map((r) => r.case_id));
  expect(sharedIds.size).toBe(SHARED);
}, 300_000);
afterAll(async () => store.close());

const DAY = 86_400_000;
const FIELDS = {
  name: SHARED_APPLICANT.name,
  phone: SHARED_APPLICANT.phone,
  telegram: SHARED_APPLICANT.telegram_username,
  serviceNumber: SHARED_APPLICANT.service_number,
  state: "closed",
  channel: "telegram",
  team: "intake",
  from: new Date(Date.now() - 300 * DAY).toISOString(),
  to: new Date(Date.now() - 20 * DAY).toISOString(),
} as const;
type Field = keyof typeof FIELDS;
const NAMES = Object.keys(FIELDS) as Field[];

async function search(params: Partial<Record<string, string>>) {
  const qs = new URLSearchParams(params as Record<string, string>).toString();
  const t0 = performance.now();
  const res = await op.request("GET", `/api/cases/search?${qs}`);
  return { res, ms: performance.now() - t0 };
}

describe("every combination of search criteria on lopsided data", () => {
  it("stays under the bound, answers only matching cases, and says when it was cut", async () => {
    let slowest = 0;
    for (let mask = 1; mask < 1 << NAMES.length; mask++) {
      const used = NAMES.filter((_, i) => mask & (1 << i));
      const params = Object.fromEntries([...used.map((f) => [f, FIELDS[f]]), ["limit", "10"]]);
      const { res, ms } = await search(params);
      expect(res.statusCode, used.join("+")).toBe(200);
      slowest = Math.max(slowest, ms);
      expect(ms, used.join("+")).toBeLessThan(PER_SEARCH_MS);
      const rows = res.json<CaseSummary[]>();
      const total = Number(res.headers["x-total-count"]);
      expect(total).toBeLessThanOrEqual(COUNT_BOUND);
      expect(rows.length).toBeLessThanOrEqual(10);
      for (const r of rows) {
        if (used.some((f) => ["name", "phone", "telegram", "serviceNumber"].includes(f))) expect(sharedIds.has(r.id), used.join("+")).toBe(true);
        if (used.includes("state")) expect(r.state).toBe(FIELDS.state);
        if (used.includes("channel")) expect(r.channel).toBe(FIELDS.channel);
        if (used.includes("team")) expect(r.teamId).toBe(FIELDS.team);
        if (used.includes("from")) expect(Date.parse(r.createdAt)).toBeGreaterThanOrEqual(Date.parse(FIELDS.from));
        if (used.includes("to")) expect(Date.parse(r.createdAt)).toBeLessThanOrEqual(Date.parse(FIELDS.to));
      }
      // An identifier alone meets 1,000 cases, more than one read takes: the answer says it was cut.
      if (used.length === 1 && ["phone", "telegram", "serviceNumber"].includes(used[0]!)) {
        expect(res.headers["x-search-truncated"], used[0]).toBe("1");
        expect(total).toBeLessThanOrEqual(CANDIDATE_BOUND);
      }
    }
    console.log(`slowest of ${(1 << NAMES.length) - 1} combinations: ${slowest.toFixed(0)} ms`);
  }, 600_000);

  it("pages of an identifier search are disjoint, in last-activity order, with one total; a page past the end is empty with the same total", async () => {
    const page = async (offset: number) => {
      const { res } = await search({ phone: FIELDS.phone, limit: "50", offset: String(offset) });
      expect(res.statusCode).toBe(200);
      return { ids: res.json<CaseSummary[]>().map((c) => c.id), updated: res.json<CaseSummary[]>().map((c) => Date.parse(c.updatedAt)), total: Number(res.headers["x-total-count"]) };
    };
    const pages = [await page(0), await page(50), await page(100), await page(150)];
    const total = pages[0]!.total;
    expect(total).toBe(CANDIDATE_BOUND);
    const all = pages.flatMap((p) => p.ids);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(total);
    for (const p of pages) expect(p.total).toBe(total);
    for (const id of all) expect(sharedIds.has(id)).toBe(true);
    const updated = pages.flatMap((p) => p.updated);
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    const past = await page(CANDIDATE_BOUND);
    expect(past.ids).toEqual([]);
    expect(past.total).toBe(total);
  });

  it("finds exactly the one case where the data is not lopsided, by any of its identifiers and their combination", async () => {
    // Surnames whose endings the name normaliser does not fold together (Бенчмарка and Бенчмарки would meet).
    for (const k of [12, 13, 23, 31, 37].map((i) => known[i]!)) {
      const byPhone = await search({ phone: k.phone });
      const byName = await search({ name: k.name });
      const both = await search({ name: k.name, phone: k.phone });
      for (const r of [byPhone, byName, both]) {
        expect(r.res.statusCode).toBe(200);
        expect(r.res.headers["x-search-truncated"]).toBeUndefined();
      }
      const id = byPhone.res.json<CaseSummary[]>().map((c) => c.id);
      expect(id).toHaveLength(1);
      expect(byName.res.json<CaseSummary[]>().map((c) => c.id)).toEqual(id);
      expect(both.res.json<CaseSummary[]>().map((c) => c.id)).toEqual(id);
      // A true name with someone else's phone: nobody.
      expect((await search({ name: k.name, phone: known[39]!.phone })).res.json<CaseSummary[]>()).toEqual([]);
      // The name's words in another order still find him (the words are tested on every candidate).
      const [sur, first, patr] = k.name.split(" ");
      expect((await search({ name: `${first} ${patr} ${sur}` })).res.json<CaseSummary[]>().map((c) => c.id)).toEqual(id);
    }
  }, 120_000);
});

describe("the timeout", () => {
  it("a search past STAFF_QUERY_TIMEOUT_MS answers 503 in the error shape, writes nothing, and the applicant site keeps answering", async () => {
    const audits = async () => (await ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(eq(auditLog.action, "case.searched")))[0]!.n;
    const before = await audits();
    const saved = ctx.config.staffQueryTimeoutMs;
    ctx.config.staffQueryTimeoutMs = 1;
    try {
      const pub = store.publicApp!;
      const searches = Array.from({ length: 4 }, () => search({ name: FIELDS.name, phone: FIELDS.phone, telegram: FIELDS.telegram, from: FIELDS.from, to: FIELDS.to }));
      const health = await pub.inject({ method: "GET", url: "/healthz" });
      expect(health.statusCode).toBe(200);
      for (const { res } of await Promise.all(searches)) {
        expect(res.statusCode).toBe(503);
        const body = res.json<{ error: { code: string; message: string; details: { reason: string } } }>();
        expect(body.error.code).toBe("unavailable");
        expect(body.error.details.reason).toBe("search_timeout");
        expect(body.error.message).toMatch(/took longer than 1 ms/);
      }
    } finally {
      ctx.config.staffQueryTimeoutMs = saved;
    }
    expect(await audits()).toBe(before);
    // With the usual bound the same search goes through again.
    expect((await search({ name: FIELDS.name, phone: FIELDS.phone })).res.statusCode).toBe(200);
  });

  it("a path id over the router's limit gets 414 in the error shape, without the URL echoed back", async () => {
    const long = "x".repeat(300);
    for (const app of [store.app]) {
      const res = await app.inject({ method: "GET", url: `/api/cases/${long}` });
      expect(res.statusCode).toBe(414);
      expect(res.json<{ error: { code: string } }>().error.code).toBe("bad_request");
      expect(res.body).not.toContain(long);
    }
  });

  it("a bad search input is a 400 and never a 500", async () => {
    for (const q of ["offset=5000&state=closed", "from=yesterday", "limit=0&state=new", `name=${encodeURIComponent("Ivan) AND 1=1 AND (2=2")}&offset=-1`]) {
      const res = await op.request("GET", `/api/cases/search?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe("validation_failed");
    }
    const injection = await search({ name: "Ivan) AND 1=1 AND (2=2" });
    expect(injection.res.statusCode).toBe(200);
    expect(injection.res.json<CaseSummary[]>()).toEqual([]);
  });
});
