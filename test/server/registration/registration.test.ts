import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { auditLog, cases } from "../../../src/server/db/schema.js";
import { powRecords } from "../../../src/server/registration/tables.js";
import { ART17_FIELDS, FULL, handedOverCase, registered } from "./support.js";
import { staffToday } from "../../../src/shared/zoned-time.js";

type Who = "op1" | "coord" | "reg" | "reg2" | "resettle" | "sup";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
const DAY = 86_400_000;

beforeAll(async () => {
  store = await staffedStore({
    staff: { op1: "operator", coord: "coordinator", reg: "registrar", reg2: "registrar", resettle: "resettlement_officer", sup: "supervisor" },
    // Late on the evening a week after the arrival of ARRIVAL: the deadline test moves the clock minutes, not days (sessions stay alive).
    startAt: new Date("2026-11-29T23:00:00Z"),
    env: { SESSION_IDLE_MINUTES: "120" },
  });
  s = store.staff;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 240_000);
afterAll(async () => store?.close());

describe("the Art. 17/122 record", () => {
  it("is prefilled from the identity section as proposals, never confirmed silently", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    const r = await s.reg.request("GET", `/api/registration/cases/${id}`);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.proposals).toEqual({ surname: "Зайцев", first_names: "Павел Андреевич", rank: "младший сержант", service_number: "АВ-739154" });
    expect(body.values).toEqual({});
    expect(body.missing).toEqual([...ART17_FIELDS]);
    // Saved but not confirmed: still missing, and the move is refused.
    const w = await s.reg.request("PUT", `/api/registration/cases/${id}/record`, { values: body.proposals, confirmed: [], familyConsent: false });
    expect(w.json()).toEqual({ art17Complete: false, missing: [...ART17_FIELDS] });
  });

  it("only registrars write it; others the policy names read it; everyone else is refused; reads are audited", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    for (const who of ["op1", "coord", "resettle", "sup"] as const) {
      const w = await s[who].request("PUT", `/api/registration/cases/${id}/record`, { values: { surname: "Подменов" }, confirmed: ["surname"], familyConsent: false });
      expect([who, w.statusCode]).toEqual([who, 403]);
    }
    for (const who of ["op1", "coord", "sup"] as const) expect([who, (await s[who].request("GET", `/api/registration/cases/${id}`)).statusCode]).toEqual([who, 403]);
    // Another registrar, without the case in his scope: not found (not allowed looks the same).
    expect((await s.reg2.request("GET", `/api/registration/cases/${id}`)).statusCode).toBe(404);
    const before = (await store.ctx.db.select().from(auditLog).where(eq(auditLog.action, "pow.record_read"))).length;
    const r = await s.reg.request("GET", `/api/registration/cases/${id}`);
    expect(r.json().values.surname).toBe("Зайцев");
    const reads = await store.ctx.db.select().from(auditLog).where(eq(auditLog.action, "pow.record_read"));
    expect(reads.length).toBe(before + 1);
    expect(JSON.stringify(reads)).not.toMatch(/Зайцев|АВ-739154/);
    // At rest: ciphertext only.
    const [row] = await store.ctx.db.select().from(powRecords).where(eq(powRecords.caseId, id));
    expect(Buffer.from(row!.ciphertext).includes(Buffer.from("Зайцев"))).toBe(false);
  });

  it("refuses bad input with a 4xx and changes nothing", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    for (const body of [{ values: { surname: "" }, confirmed: [], familyConsent: false }, { values: { birth_date: "17.03.1994" }, confirmed: [], familyConsent: false }, { values: {}, confirmed: ["rank"], familyConsent: false }, { values: { nickname: "x" }, confirmed: [], familyConsent: false }, { values: { surname: "Зайцев" }, confirmed: ["surname"], familyConsent: true }]) {
      const r = await s.reg.request("PUT", `/api/registration/cases/${id}/record`, body);
      expect(r.statusCode, r.body).toBe(400);
    }
    expect(await store.ctx.db.select().from(powRecords).where(eq(powRecords.caseId, id))).toEqual([]);
  });
});

describe("the guard", () => {
  it("an incomplete Art. 17 record blocks registered_pow; a complete one lets it through", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    const partial = { ...FULL, service_number: undefined };
    await s.reg.request("PUT", `/api/registration/cases/${id}/record`, { values: partial, confirmed: Object.keys(FULL).filter((k) => k !== "service_number"), familyConsent: true });
    const t = await s.reg.request("POST", `/api/cases/${id}/transition`, { to: "registered_pow", reason: "попытка" });
    expect(t.statusCode).toBe(409);
    expect(t.json().error.details).toEqual({ guard: "complete Art. 17 record" });
    expect((await store.ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id)))[0]!.state).toBe("handed_over");
    await registered(s.reg, id);
  });

  it("a registered case closes only after a final event", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    expect((await s.reg.request("POST", `/api/cases/${id}/transition`, { to: "closed", reason: "обмен" })).statusCode).toBe(409);
    // A day that only looks like a date is refused by the schema, not by the database (a 500 before).
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "exchange", date: "2026-02-30", place: "КПП Сумы" })).statusCode).toBe(400);
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "exchange", date: "2026-11-30", place: "КПП Сумы" })).statusCode).toBe(201);
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "transfer", date: "2026-12-01", place: "Пункт № 5" })).statusCode).toBe(409);
    const c = await s.reg.request("POST", `/api/cases/${id}/transition`, { to: "closed", reason: "обменян" });
    expect(c.statusCode, c.body).toBe(200);
  });
});

describe("final fate events", () => {
  it.each(["release", "repatriation"] as const)("a %s lets a registered case close, nothing follows it, and each event leaves one audit row naming no place", async (kind) => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    const audited = async () => store.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "pow.event_recorded"), eq(auditLog.subjectId, id))).orderBy(asc(auditLog.seq));
    const h = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "hospitalisation", date: "2026-11-26", place: "госпиталь № 9" });
    expect(h.statusCode, h.body).toBe(201);
    // Not final: the case stays open.
    expect((await s.reg.request("POST", `/api/cases/${id}/transition`, { to: "closed", reason: "рано" })).statusCode).toBe(409);
    const f = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind, date: "2026-11-28", place: "КПП Сумы", note: "передан стороне" });
    expect(f.statusCode, f.body).toBe(201);
    expect(f.json()).toEqual({ id: expect.any(String), newCard: false });
    for (const next of [{ kind: "transfer", date: "2026-11-29", place: "Пункт № 5" }, { kind: "release", date: "2026-11-29" }, { kind: "death", date: "2026-11-29", death: { cause: "x", place: "y", burial_place: "z" } }]) {
      expect([next.kind, (await s.reg.request("POST", `/api/registration/cases/${id}/events`, next)).statusCode]).toEqual([next.kind, 409]);
    }
    const rows = await audited();
    expect(rows.map((r) => [r.actorId, r.subjectType, r.details])).toEqual([
      [s.reg.userId, "case", { event: h.json().id, kind: "hospitalisation" }],
      [s.reg.userId, "case", { event: f.json().id, kind }],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/госпиталь|КПП|передан/);
    const view = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json();
    expect(view.timeline.map((e: { kind: string }) => e.kind)).toEqual(["hospitalisation", kind]);
    const c = await s.reg.request("POST", `/api/cases/${id}/transition`, { to: "closed", reason: "завершено" });
    expect(c.statusCode, c.body).toBe(200);
  });
});

describe("capture cards (Art. 70)", () => {
  it("are due at arrival + 7 days and overdue after it (test clock); a transfer owes a new card", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, { ...FULL, arrival_date: "2026-11-23" });
    const arrival = Date.parse("2026-11-23T00:00:00Z");
    const cardsAt = async (t: number) => {
      expect(t).toBeGreaterThan(store.clock.now().getTime());
      store.clock.tick(t - store.clock.now().getTime());
      return (await s.reg.request("GET", `/api/registration/cases/${id}`)).json().cards;
    };
    let cards = await cardsAt(arrival + 7 * DAY - 1000);
    expect(cards).toEqual([expect.objectContaining({ reason: "arrival", dueAt: new Date(arrival + 7 * DAY).toISOString(), status: "due" })]);
    cards = await cardsAt(arrival + 7 * DAY + 1000);
    expect(cards[0].status).toBe("overdue");
    const overdue = (await s.reg.request("GET", "/api/registration/register?cards=overdue")).json();
    expect(overdue.map((e: { caseId: string }) => e.caseId)).toContain(id);

    const print = await s.reg.request("POST", `/api/registration/cases/${id}/cards/${cards[0].id}/print`, { copy: "agency" });
    expect(print.statusCode).toBe(200);
    expect(print.headers["content-type"]).toBe("application/pdf");
    expect(print.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    // Printed is not sent: still overdue until the registrar records it sent.
    expect((await s.reg.request("GET", `/api/registration/cases/${id}`)).json().cards[0].status).toBe("overdue");
    const sent = await s.reg.request("POST", `/api/registration/cases/${id}/cards/${cards[0].id}/sent`, { copy: "agency", sentOn: "2026-11-30", via: "post" });
    expect(sent.statusCode, sent.body).toBe(200);
    const tr = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "transfer", date: "2026-12-02", place: "Пункт содержания № 7" });
    expect(tr.json()).toEqual({ id: expect.any(String), newCard: true });
    const view = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json();
    expect(view.cards.map((c: { reason: string; status: string }) => [c.reason, c.status])).toEqual([["arrival", "sent"], ["transfer", "due"]]);
    expect(view.cards[1].dueAt).toBe(new Date(Date.parse("2026-12-02T00:00:00Z") + 7 * DAY).toISOString());
    expect(view.values.internment_place).toBe("Пункт содержания № 7");
    expect(view.timeline).toEqual([expect.objectContaining({ kind: "transfer", date: "2026-12-02", place: "Пункт содержания № 7" })]);
    // Only the registrar prints; another role is refused.
    expect((await s.resettle.request("POST", `/api/registration/cases/${id}/cards/${view.cards[1].id}/print`, { copy: "agency" })).statusCode).toBe(403);
  });

  it("a hospitalisation and a change of health each owe a new card, due 7 days from that day, and update his state of health", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    const h = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "hospitalisation", date: "2026-12-01", place: "госпиталь № 2", health: "seriously_wounded" });
    expect(h.statusCode, h.body).toBe(201);
    expect(h.json()).toEqual({ id: expect.any(String), newCard: true });
    let view = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json();
    expect(view.values.health).toBe("seriously_wounded");
    const c = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "health_change", date: "2026-12-03", health: "recovered" });
    expect(c.json()).toEqual({ id: expect.any(String), newCard: true });
    view = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json();
    expect(view.cards.map((k: { reason: string; dueAt: string; status: string }) => [k.reason, k.dueAt, k.status])).toEqual([
      ["arrival", new Date(Date.parse("2026-11-23T00:00:00Z") + 7 * DAY).toISOString(), expect.any(String)],
      ["hospitalisation", new Date(Date.parse("2026-12-01T00:00:00Z") + 7 * DAY).toISOString(), "due"],
      ["health_change", new Date(Date.parse("2026-12-03T00:00:00Z") + 7 * DAY).toISOString(), "due"],
    ]);
    expect(view.values.health).toBe("recovered");
    expect(view.timeline.map((e: { kind: string }) => e.kind)).toEqual(["hospitalisation", "health_change"]);
  });

  it("the family's copy only with his consent", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, FULL, false);
    const card = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json().cards[0];
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/print`, { copy: "family" })).statusCode).toBe(409);
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/print`, { copy: "agency" })).statusCode).toBe(200);
  });

  it("each copy has its own sent state: the family's copy does not mark the agency's sent, nor the other way", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, FULL, true);
    const card = (await s.reg.request("GET", `/api/registration/cases/${id}`)).json().cards[0];
    const today = staffToday(store.clock.now());
    const printAndSend = async (copy: "family" | "agency") => {
      expect((await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/print`, { copy })).statusCode).toBe(200);
      const r = await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/sent`, { copy, sentOn: today, via: copy === "family" ? "icrc_delegate" : "cta_handover" });
      expect(r.statusCode, r.body).toBe(200);
    };
    const now = async () => (await s.reg.request("GET", `/api/registration/cases/${id}`)).json().cards[0];
    await printAndSend("family");
    let c = await now();
    expect([c.agency.sent, c.family.sent?.on, c.family.sent?.via, c.status]).toEqual([null, today, "icrc_delegate", "overdue"]);
    expect((await s.reg.request("GET", "/api/registration/register?cards=overdue")).json().map((e: { caseId: string }) => e.caseId)).toContain(id);
    await printAndSend("agency");
    c = await now();
    expect([c.agency.sent?.on, c.agency.sent?.via, c.family.sent?.on, c.status]).toEqual([today, "cta_handover", today, "sent"]);
    expect((await s.reg.request("GET", "/api/registration/register?cards=overdue")).json().map((e: { caseId: string }) => e.caseId)).not.toContain(id);
    const printed = await store.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "pow.card_printed"), eq(auditLog.subjectId, id))).orderBy(asc(auditLog.seq));
    expect(printed.map((a) => a.details)).toEqual([{ card: card.id, copy: "family", reason: "arrival" }, { card: card.id, copy: "agency", reason: "arrival" }]);
    const sent = await store.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "pow.card_sent"), eq(auditLog.subjectId, id))).orderBy(asc(auditLog.seq));
    expect(sent.map((a) => a.details)).toEqual([
      { card: card.id, copy: "family", reason: "arrival", sentOn: today, via: "icrc_delegate" },
      { card: card.id, copy: "agency", reason: "arrival", sentOn: today, via: "cta_handover" },
    ]);
    // The other order, on a second case: the agency's copy leaves the family's unsent.
    const id2 = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id2, FULL, true);
    const card2 = (await s.reg.request("GET", `/api/registration/cases/${id2}`)).json().cards[0];
    expect((await s.reg.request("POST", `/api/registration/cases/${id2}/cards/${card2.id}/print`, { copy: "agency" })).statusCode).toBe(200);
    expect((await s.reg.request("POST", `/api/registration/cases/${id2}/cards/${card2.id}/sent`, { copy: "agency", sentOn: today, via: "post" })).statusCode).toBe(200);
    const after = (await s.reg.request("GET", `/api/registration/cases/${id2}`)).json().cards[0];
    expect([after.status, after.family]).toEqual(["sent", { printedAt: null, sent: null }]);
  });

  it("a death needs the Art. 120 fields", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id);
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "death", date: "2026-12-01" })).statusCode).toBe(400);
    const d = await s.reg.request("POST", `/api/registration/cases/${id}/events`, { kind: "death", date: "2026-12-01", death: { cause: "сердечная недостаточность", place: "госпиталь № 2", burial_place: "кладбище, участок 4" } });
    expect(d.statusCode, d.body).toBe(201);
  });
});
