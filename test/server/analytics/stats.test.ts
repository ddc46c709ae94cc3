import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { buildPublicApp } from "../../../src/server/app.js";
import { protect, totalOf } from "../../../src/server/analytics/disclosure.js";

/** The public statistics page: small counts never shown, totals from rounded cells, no script. */
let store: StaffedStore<never>;
beforeAll(async () => {
  process.env.PUBLIC_STATS = "on";
  store = await staffedStore({ publicApp: true, startAt: new Date("2026-01-05T09:00:00Z") });
  delete process.env.PUBLIC_STATS;
  // January: 3 web and 12 telegram requests through intake; then the clock moves into February.
  for (let i = 0; i < 15; i++) {
    await webCase(store.ctx, { channel: i < 3 ? "web" : "telegram", name: `Тест ${i}`, phone: `+7 900 111-${String(i).padStart(4, "0")}` });
    store.clock.tick(3_600_000);
  }
  // Older months from the rollup table, as an import would leave them.
  for (const [day, channel, n] of [["2025-11-03", "web", 1], ["2025-11-04", "telegram", 9], ["2025-12-01", "web", 23], ["2025-12-02", "whatsapp", 4], ["2025-12-03", "telegram", 10]] as const)
    await store.ctx.db.execute(sql`INSERT INTO analytics_daily (day, channel, metric, key, n) VALUES (${day}::date, ${channel}, 'first_contact', '', ${n})`);
  store.clock.tick(Date.parse("2026-02-10T10:00:00Z") - store.clock.now().getTime());
  // A February request: the running month is not published.
  await webCase(store.ctx, { channel: "phone", name: "Тест февраль", phone: "+7 900 222-0000" });
});
afterAll(() => store.close());

const cellsOf = (page: string) => [...page.matchAll(/<t[dh]>(?:<b>)?([^<]*)(?:<\/b>)?<\/t[dh]>/g)].map((m) => m[1]!);

describe("the public /stats page", () => {
  it("shows no count from 1 to 9; every figure is a multiple of 5 or 'fewer than 10'", async () => {
    const r = await store.publicApp!.inject({ method: "GET", url: "/stats?lang=en" });
    expect(r.statusCode).toBe(200);
    const cells = cellsOf(r.body).filter((c) => /\d/.test(c) && !/^[A-Z][a-z]+ \d{4}$/.test(c)); // not the month names
    expect(cells.length).toBeGreaterThan(10);
    for (const c of cells) {
      if (c === "fewer than 10") continue;
      const n = Number(c.replace(/,/g, ""));
      expect(n % 5, c).toBe(0);
      expect(n === 0 || n >= 10, c).toBe(true);
    }
    // January: web 3 → fewer than 10, telegram 12 → 10; the month's total is 10 (from the rounded cells), not 15.
    expect(r.body).toMatch(/January 2026<\/td><td>fewer than 10<\/td><td>10<\/td><td>0<\/td><td>0<\/td><td><b>10<\/b>/);
    // November: both suppressed, so the month shows "fewer than 10", never 10 (1 + 9).
    expect(r.body).toMatch(/November 2025<\/td><td>fewer than 10<\/td><td>fewer than 10<\/td><td>0<\/td><td>0<\/td><td><b>fewer than 10<\/b>/);
    expect(r.body).not.toContain("February 2026");
    expect(r.body).not.toMatch(/<script/i);
  });

  it("is in Russian by default and in Ukrainian on request, and small once compressed", async () => {
    const ru = await store.publicApp!.inject({ method: "GET", url: "/stats", headers: { "accept-encoding": "gzip" } });
    expect(ru.headers["content-encoding"]).toBe("gzip");
    expect(ru.rawPayload.length).toBeLessThan(14 * 1024);
    const plain = await store.publicApp!.inject({ method: "GET", url: "/stats" });
    expect(plain.body).toContain("Статистика обращений");
    expect(plain.body).toContain("меньше 10");
    expect((await store.publicApp!.inject({ method: "GET", url: "/stats?lang=uk" })).body).toContain("менше 10");
  });

  it("is absent unless configured, and never on the staff listener", async () => {
    const off = await buildPublicApp(store.ctx);
    expect((await off.inject({ method: "GET", url: "/stats" })).statusCode).toBe(404);
    await off.close();
    expect((await store.app.inject({ method: "GET", url: "/stats" })).statusCode).not.toBe(200);
  });

  it("protects every count: no value from 1 to 9, totals from the rounded cells", () => {
    const s = { threshold: 10, base: 5 };
    for (let n = 0; n < 200; n++) {
      const c = protect(n, s);
      if ("fewer" in c) expect(n >= 1 && n <= 9).toBe(true);
      else {
        expect(c.value % 5).toBe(0);
        expect(c.value === 0 || c.value >= 10).toBe(true);
        expect(Math.abs(c.value - n)).toBeLessThanOrEqual(n === 0 ? 0 : 2.5);
      }
    }
    expect(totalOf([protect(12, s), protect(3, s)])).toEqual({ value: 10 });
    expect(totalOf([protect(1, s), protect(9, s)])).toEqual({ fewer: true });
    expect(protect(10, { threshold: 10, base: 3 })).toEqual({ value: 12 });
  });
});
