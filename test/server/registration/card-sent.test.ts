import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { powCardSendings } from "../../../src/server/registration/tables.js";
import { addDays } from "../../../src/shared/calendar-day.js";
import { staffToday } from "../../../src/shared/zoned-time.js";
import { FULL, handedOverCase, registered } from "./support.js";

/**
 * Art. 70: printing a capture card is not sending it. The registrar records each copy sent (the
 * day, the way, a note), and only that stops the card's clock; printed and not sent, it stays due,
 * then overdue.
 */
type Who = "op1" | "coord" | "reg" | "reg2" | "resettle";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
const ARRIVAL = "2026-12-01";
const DUE = Date.parse("2026-12-08T00:00:00Z");
const NOTE = "CARD-NOTE-Передано делегату МКЧХ";

beforeAll(async () => {
  // Ten minutes before the week since ARRIVAL runs out: the test moves the clock minutes, so sessions stay alive.
  store = await staffedStore({ staff: { op1: "operator", coord: "coordinator", reg: "registrar", reg2: "registrar", resettle: "resettlement_officer" }, startAt: new Date(DUE - 10 * 60_000), env: { SESSION_IDLE_MINUTES: "120" } });
  s = store.staff;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 240_000);
afterAll(async () => store?.close());

const view = async (id: string) => (await s.reg.request("GET", `/api/registration/cases/${id}`)).json();
const listed = async (cards: "due" | "overdue") => ((await s.reg.request("GET", `/api/registration/register?cards=${cards}`)).json() as { caseId: string }[]).map((e) => e.caseId);
const sendings = (cardId: string) => store.ctx.db.select().from(powCardSendings).where(eq(powCardSendings.cardId, cardId));
const sentAudits = (caseId: string) => store.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, "pow.card_sent"), eq(auditLog.subjectId, caseId))).orderBy(asc(auditLog.seq));

describe("recording a capture card sent", () => {
  it("stops the deadline only when sent: printed, the card stays due and then overdue; sent, it leaves the lists", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, { ...FULL, arrival_date: ARRIVAL }, true);
    const card = (await view(id)).cards[0];
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/print`, { copy: "agency" })).statusCode).toBe(200);
    let c = (await view(id)).cards[0];
    expect([c.status, c.agency.printedAt, c.agency.sent]).toEqual(["due", store.clock.now().toISOString(), null]);
    expect(await listed("due")).toContain(id);

    // The week runs out with the card printed and not sent: overdue, on the overdue list, its print shown.
    store.clock.tick(DUE + 60_000 - store.clock.now().getTime());
    c = (await view(id)).cards[0];
    expect(c.status).toBe("overdue");
    expect(await listed("overdue")).toContain(id);
    const row = ((await s.reg.request("GET", `/api/registration/register?cards=overdue`)).json() as { caseId: string; nextCard: { agency: { printedAt: string | null; sent: unknown } }; lastSentOn: string | null }[]).find((e) => e.caseId === id)!;
    expect([!!row.nextCard.agency.printedAt, row.nextCard.agency.sent, row.lastSentOn]).toEqual([true, null, null]);

    const today = staffToday(store.clock.now());
    const r = await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/sent`, { copy: "agency", sentOn: today, via: "post", note: NOTE });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ copy: "agency", sentOn: today, via: "post" });
    c = (await view(id)).cards[0];
    expect([c.status, c.agency.sent]).toEqual(["sent", { on: today, via: "post", recordedAt: store.clock.now().toISOString(), note: NOTE }]);
    expect(await listed("overdue")).not.toContain(id);
    expect(await listed("due")).not.toContain(id);
    const entry = ((await s.reg.request("GET", `/api/registration/register`)).json() as { caseId: string; nextCard: unknown; lastSentOn: string | null }[]).find((e) => e.caseId === id)!;
    expect([entry.nextCard, entry.lastSentOn]).toEqual([null, today]);
    // Later still, it stays sent: the clock stopped.
    store.clock.tick(30 * 60_000);
    expect((await view(id)).cards[0].status).toBe("sent");

    // Audited with the codes and the day; the note is neither in the log nor in clear at rest.
    const audits = await sentAudits(id);
    expect(audits.map((a) => [a.actorId, a.details])).toEqual([[s.reg.userId, { card: card.id, copy: "agency", reason: "arrival", sentOn: today, via: "post" }]]);
    expect(JSON.stringify(audits)).not.toContain("CARD-NOTE");
    const [stored] = await sendings(card.id);
    expect(Buffer.from(stored!.note!).includes(Buffer.from("CARD-NOTE"))).toBe(false);
  });

  it("refuses a copy not yet printed, a second record, a day to come or before his arrival, another role and a registrar not on the case; refusals change nothing", async () => {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, { ...FULL, arrival_date: ARRIVAL }, false);
    const card = (await view(id)).cards[0];
    const today = staffToday(store.clock.now());
    const url = `/api/registration/cases/${id}/cards/${card.id}/sent`;
    const ok = { copy: "agency", sentOn: today, via: "electronic" };
    const refused = async (who: Who, body: unknown) => {
      const r = await s[who].request("POST", url, body);
      return [r.statusCode, r.json().error?.code] as const;
    };
    // Before it was generated: nothing exists to send.
    expect(await refused("reg", ok)).toEqual([409, "conflict"]);
    expect((await s.reg.request("POST", `/api/registration/cases/${id}/cards/${card.id}/print`, { copy: "agency" })).statusCode).toBe(200);
    // Another role, however signed in; a registrar without the case: not found.
    for (const who of ["resettle", "coord", "op1"] as const) expect([who, ...(await refused(who, ok))]).toEqual([who, 403, "forbidden"]);
    expect(await refused("reg2", ok)).toEqual([404, "not_found"]);
    // Days: to come (tomorrow in Kyiv), before his arrival; and a day that is no day.
    const future = await s.reg.request("POST", url, { ...ok, sentOn: addDays(today, 1) });
    expect([future.statusCode, future.json().error.details]).toEqual([400, [{ path: "sentOn", message: expect.stringMatching(/still to come/) }]]);
    const early = await s.reg.request("POST", url, { ...ok, sentOn: addDays(ARRIVAL, -1) });
    expect([early.statusCode, early.json().error.details]).toEqual([400, [{ path: "sentOn", message: expect.stringMatching(/before the card was owed/) }]]);
    for (const bad of [{ ...ok, sentOn: "2026-02-30" }, { ...ok, via: "pigeon" }, { ...ok, copy: "both" }, { ...ok, note: "" }, { ...ok, extra: 1 }, { copy: "agency", via: "post" }]) expect([bad, (await s.reg.request("POST", url, bad)).statusCode]).toEqual([bad, 400]);
    // His family's copy without his consent.
    expect(await refused("reg", { ...ok, copy: "family" })).toEqual([409, "conflict"]);
    expect(await sendings(card.id)).toEqual([]);
    expect(await sentAudits(id)).toEqual([]);
    expect((await view(id)).cards[0].status).not.toBe("sent");

    expect((await s.reg.request("POST", url, ok)).statusCode).toBe(200);
    // Sent twice: the second is refused and the first stands.
    expect(await refused("reg", { ...ok, via: "post" })).toEqual([409, "conflict"]);
    expect((await sendings(card.id)).map((r) => r.via)).toEqual(["electronic"]);
    expect((await sentAudits(id)).length).toBe(1);
  });
});
