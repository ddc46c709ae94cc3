import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { recordChange, insertSealedMessage } from "../../../src/server/cases/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { recountDaily, recountDurations, storedDaily, storedDurations } from "../../../src/server/analytics/recount.js";
import { CHANNELS, CASE_STATES } from "../../../src/shared/case-states.js";
import { importHistory } from "../../../src/server/analytics/history.js";

/** A small fixed-seed generator: the random changes are the same at every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

let store: StaffedStore<"sup1" | "op1">;
const START = new Date("2026-03-01T08:00:00Z");
beforeAll(async () => {
  store = await staffedStore({ staff: { sup1: "supervisor", op1: "operator" }, startAt: START });
});
afterAll(() => store.close());

async function randomChanges(n: number, seed: number) {
  const { ctx, clock } = store;
  const r = rng(seed);
  const open: { id: string; publicKey: Buffer; channel: string }[] = [];
  // The changes spread over days; the clock goes back after them, so the staff sessions stay fresh.
  const back = clock.now().getTime();
  try {
  for (let i = 0; i < n; i++) {
    clock.tick(Math.floor(r() * 6 * 3600_000)); // up to six hours: the days turn over
    const x = r();
    if (open.length === 0 || x < 0.3) {
      const channel = CHANNELS[Math.floor(r() * 3)]!;
      const made = await webCase(ctx, { channel, name: `Тест ${i}`, phone: `+7 900 000-${String(i).padStart(4, "0")}` });
      const [row] = await ctx.db.select({ publicKey: cases.publicKey, channel: cases.channel }).from(cases).where(eq(cases.id, made.caseId));
      open.push({ id: made.caseId, publicKey: row!.publicKey!, channel: row!.channel });
      continue;
    }
    const c = open[Math.floor(r() * open.length)]!;
    await ctx.db.transaction(async (tx) => {
      if (x < 0.7) {
        const direction = (["in", "out", "note"] as const)[Math.floor(r() * 3)]!;
        await insertSealedMessage(tx, { caseId: c.id, casePublicKey: c.publicKey, channel: c.channel, direction, text: "…", at: ctx.now() });
      } else {
        const from = CASE_STATES[Math.floor(r() * CASE_STATES.length)]!;
        const to = (["verifying", "verified", "rejected", "handed_over", "registered_pow", "preliminary"] as const)[Math.floor(r() * 6)]!;
        await recordChange(ctx, tx, { actorId: null, action: null, caseId: c.id, notify: null, event: { kind: "transition", fromState: r() < 0.5 ? "verifying" : from, toState: to } });
      }
    });
  }
  } finally {
    clock.tick(back - clock.now().getTime());
  }
}

describe("daily rollups", () => {
  it("equal a count from scratch after random changes, and again after more", async () => {
    await randomChanges(120, 7);
    expect(await storedDaily(store.ctx.db)).toEqual(await recountDaily(store.ctx.db));
    expect(await storedDurations(store.ctx.db)).toEqual(await recountDurations(store.ctx.db));
    await randomChanges(80, 11);
    const daily = await storedDaily(store.ctx.db);
    expect(daily).toEqual(await recountDaily(store.ctx.db));
    expect(await storedDurations(store.ctx.db)).toEqual(await recountDurations(store.ctx.db));
    expect(new Set(daily.map((d) => d.metric))).toEqual(new Set(["first_contact", "inbound", "outbound", "transition", "verdict"]));
  });
});

describe("history import", () => {
  it("refuses days the store counts itself, bad channels and bad series, and changes nothing then", async () => {
    const before = await storedDaily(store.ctx.db);
    await expect(importHistory(store.ctx, "web", ["2026-03-01"], [5])).rejects.toThrow(/import only days before/);
    await expect(importHistory(store.ctx, "pigeon", ["2025-01-01"], [5])).rejects.toThrow(/--channel/);
    await expect(importHistory(store.ctx, "web", ["2025-01-01", "2025-01-03"], [5, 6])).rejects.toThrow(/missing day/);
    await expect(importHistory(store.ctx, "web", ["2025-01-01"], [-1])).rejects.toThrow(/whole number/);
    expect(await storedDaily(store.ctx.db)).toEqual(before);
  });
});

describe("dashboard API", () => {
  const range = "from=2026-03-01&to=2026-03-31";
  it("gives the supervisor the charts; an operator is refused, and bad filters are a 400", async () => {
    const { sup1, op1 } = store.staff;
    const r = await sup1.request("GET", `/api/analytics/dashboard?${range}`);
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json();
    expect(d.days).toHaveLength(31);
    const recount = (await recountDaily(store.ctx.db)).filter((x) => x.metric === "first_contact" && x.day <= "2026-03-31");
    expect(d.contacts.total.reduce((s: number, n: number) => s + n, 0)).toBe(recount.reduce((s, x) => s + x.n, 0));
    expect(d.funnel[0].step).toBe("first_contact");
    expect((await op1.request("GET", `/api/analytics/dashboard?${range}`)).statusCode).toBe(403);
    expect((await op1.request("GET", `/api/analytics/export/contacts?${range}`)).statusCode).toBe(403);
    for (const bad of ["from=2026-03-31&to=2026-03-01", "from=2026-02-30&to=2026-03-01", "from=2024-01-01&to=2026-03-01", `${range}&channel=pigeon`, "from=x&to=y"]) {
      expect((await sup1.request("GET", `/api/analytics/dashboard?${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it("filters by channel: the channels add up to the whole", async () => {
    const { sup1 } = store.staff;
    const all = (await sup1.request("GET", `/api/analytics/dashboard?${range}`)).json();
    let sum = 0;
    for (const ch of CHANNELS) {
      const one = (await sup1.request("GET", `/api/analytics/dashboard?${range}&channel=${ch}`)).json();
      expect(Object.keys(one.contacts.byChannel)).toEqual([ch]);
      sum += one.contacts.total.reduce((s: number, n: number) => s + n, 0);
    }
    expect(sum).toBe(all.contacts.total.reduce((s: number, n: number) => s + n, 0));
  });

  it("exports each chart as CSV with the same numbers", async () => {
    const { sup1 } = store.staff;
    const d = (await sup1.request("GET", `/api/analytics/dashboard?${range}`)).json();
    const csv = await sup1.request("GET", `/api/analytics/export/contacts?${range}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("date,web,telegram,whatsapp,phone,total,avg7,inbound_messages");
    expect(lines).toHaveLength(32);
    expect(lines.slice(1).map((l) => Number(l.split(",")[5]))).toEqual(d.contacts.total);
    for (const chart of ["funnel", "handover", "verdicts", "backlog", "sla", "events"]) expect((await sup1.request("GET", `/api/analytics/export/${chart}?${range}`)).statusCode, chart).toBe(200);
    expect((await sup1.request("GET", `/api/analytics/export/secrets?${range}`)).statusCode).toBe(400);
  });

  it("records an event (supervisor only), shows it as a marker and estimates its impact", async () => {
    const { sup1, op1 } = store.staff;
    const { ctx, admin } = store;
    // 70 days of history before March, through the rollup table: 59 a day with a weekly profile, ×1.7 from 2026-01-26.
    const WEEK = [66, 64, 61, 58, 55, 50, 59];
    for (let i = 0; i < 70; i++) {
      const day = new Date(Date.UTC(2025, 10, 17) + i * 86_400_000).toISOString().slice(0, 10);
      const n = Math.round(WEEK[i % 7]! * (i >= 56 ? 1.7 : 1));
      await ctx.db.execute(sql`INSERT INTO analytics_daily (day, channel, metric, key, n) VALUES (${day}::date, 'telegram', 'first_contact', '', ${n})`);
    }
    const body = { day: "2026-01-12", kind: "operation", note: "Публікація про перехід групи" };
    expect((await op1.request("POST", "/api/analytics/events", body)).statusCode).toBe(403);
    expect((await admin.request("POST", "/api/analytics/events", body)).statusCode).toBe(403);
    expect((await sup1.request("POST", "/api/analytics/events", { ...body, kind: "party" })).statusCode).toBe(400);
    const made = await sup1.request("POST", "/api/analytics/events", body);
    expect(made.statusCode, made.body).toBe(201);
    const d = (await sup1.request("GET", "/api/analytics/dashboard?from=2026-01-01&to=2026-01-31")).json();
    expect(d.events).toEqual([{ ...body, id: made.json().id }]);
    const imp = await sup1.request("GET", `/api/analytics/events/${made.json().id}/impact?days=7`);
    expect(imp.statusCode, imp.body).toBe(200);
    const o = imp.json();
    expect(o.ci95[0]).toBeLessThan(70);
    expect(o.ci95[1]).toBeGreaterThan(70);
    expect(o.p_value).toBeLessThan(0.001);
    expect(o.changepoint).toBe("2026-01-12");
    expect((await op1.request("GET", `/api/analytics/events/${made.json().id}/impact`)).statusCode).toBe(403);
    expect((await sup1.request("GET", `/api/analytics/events/00000000-0000-4000-8000-000000000000/impact`)).statusCode).toBe(404);
    // Too short a history before the event: a clear refusal, not a 500.
    const early = await sup1.request("POST", "/api/analytics/events", { day: "2025-11-20", kind: "campaign", note: "" });
    expect((await sup1.request("GET", `/api/analytics/events/${early.json().id}/impact`)).statusCode).toBe(409);
  });

  it("prints a month's report as PDF, in Ukrainian with Cyrillic text", async () => {
    const { sup1, op1 } = store.staff;
    const r = await sup1.request("GET", "/api/analytics/report.pdf?month=2026-01&lang=uk");
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toBe("application/pdf");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-pdf-"));
    const file = path.join(dir, "r.pdf");
    fs.writeFileSync(file, r.rawPayload);
    const text = execFileSync("/usr/bin/pdftotext", [file, "-"]).toString();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(text).toContain("Звіт гарячої лінії за 2026-01");
    expect(text).toContain("Перші звернення");
    expect(text).toContain("Публікація про перехід групи");
    expect((await op1.request("GET", "/api/analytics/report.pdf?month=2026-01")).statusCode).toBe(403);
    expect((await sup1.request("GET", "/api/analytics/report.pdf?month=2026-13")).statusCode).toBe(400);
  });
});
