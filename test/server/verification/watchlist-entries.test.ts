import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { verificationWatchlist } from "../../../src/server/verification/tables.js";
import { handOver, reviewAs } from "./support.js";

/**
 * The watchlist kept by hand (issue 11, point 5), over real HTTP: a verifier puts an identifier
 * on it, a later request with it is flagged; the value is sealed to the verification team (a
 * supervisor and a seized database see none); names match with the date of birth.
 */
type S = "oper" | "ver1" | "ver2" | "super";
let s: StaffedStore<S>;

beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier", super: "supervisor" } });
  expect((await s.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
}, 300_000);
afterAll(async () => s?.close());

type Hit = { caseId: string; kind: string };
const hitsOf = async (caseId: string) => ((await s.staff.ver1.request("GET", "/api/verification/hits")).json() as Hit[]).filter((h) => h.caseId === caseId).map((h) => h.kind).sort();
const panel = async (caseId: string) => (await s.staff.ver1.request("GET", `/api/cases/${caseId}/verification`)).json();

/** A request whose operator wrote down a name (and a date of birth), answered and handed over to verification. */
async function person(name: string, birth?: string, message = "Хочу сдаться") {
  const { caseId } = await recordIntake(s.ctx, { channel: "telegram", sections: { identity: { name, ...(birth ? { birth_date: birth } : {}) } }, message, identifiers: {} });
  expect((await s.staff.oper.request("POST", `/api/cases/${caseId}/replies`, { text: "Мы на связи" })).statusCode).toBe(201);
  await handOver(s.staff.oper, caseId);
  return caseId;
}

describe("the watchlist kept by hand", { timeout: 300_000 }, () => {
  it("a verifier adds a number; a later request from it is flagged; only verifiers read the value; a supervisor takes it off", async () => {
    const { oper, ver1, super: sup } = s.staff;
    const number = "+380 93 111 22 33";
    // An operator keeps no watchlist: he neither adds nor reads it.
    expect((await oper.request("POST", "/api/verification/watchlist", { kind: "phone", value: number })).statusCode).toBe(403);
    expect((await oper.request("GET", "/api/verification/watchlist")).statusCode).toBe(403);
    // Bad input is a 400 and lists nothing.
    expect((await ver1.request("POST", "/api/verification/watchlist", { kind: "phone", value: "нема номера" })).statusCode).toBe(400);
    expect((await ver1.request("POST", "/api/verification/watchlist", { kind: "phone", value: number, birthDate: "1990-01-01" })).statusCode).toBe(400);
    expect((await ver1.request("POST", "/api/verification/watchlist", { kind: "fax", value: number })).statusCode).toBe(400);
    expect((await ver1.request("POST", "/api/verification/watchlist", { kind: "name", value: "Іван", birthDate: "1990-02-31" })).statusCode).toBe(400);
    expect(await s.ctx.db.select().from(verificationWatchlist)).toEqual([]);

    const added = await ver1.request("POST", "/api/verification/watchlist", { kind: "phone", value: number, note: "Дзвонив у сусідню лінію, питав про точки" });
    expect(added.statusCode, added.body).toBe(201);
    // A number comes back by phone or on WhatsApp: listed under both.
    expect(added.json().ids).toHaveLength(2);

    const wa = (await recordIntake(s.ctx, { channel: "whatsapp", sections: {}, message: "Добрий день", identifiers: { whatsapp: number } })).caseId;
    const other = (await recordIntake(s.ctx, { channel: "whatsapp", sections: {}, message: "Добрий день", identifiers: { whatsapp: "+380 93 111 22 34" } })).caseId;
    expect(await hitsOf(wa)).toEqual(["whatsapp"]);
    expect(await hitsOf(other)).toEqual([]);

    // The verifier reads what he added; the supervisor sees that it is there, not what it is.
    const mine = (await ver1.request("GET", "/api/verification/watchlist")).json();
    expect(mine).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "phone", byHand: true, value: number, note: "Дзвонив у сусідню лінію, питав про точки", reasonCode: "provocation" })]));
    const theirs = await sup.request("GET", "/api/verification/watchlist");
    expect(theirs.json()).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "phone", byHand: true, value: null, note: null })]));
    expect(theirs.body).not.toMatch(/111 22 33|380931112233|Дзвонив/);
    // Seized, the rows hold no identifier and no note in clear.
    const dump = (await s.ctx.db.select().from(verificationWatchlist)).flatMap((r) => Object.values(r)).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : String(v))).join("|");
    for (const needle of ["380931112233", "111 22 33", "Дзвонив"]) expect(dump).not.toContain(needle);

    // Off the list: a verifier may not, a supervisor may with a reason; then the request is no longer flagged.
    const ids: string[] = added.json().ids;
    expect((await ver1.request("POST", `/api/verification/watchlist/${ids[0]}/remove`, { reason: "помилка" })).statusCode).toBe(403);
    for (const id of ids) expect((await sup.request("POST", `/api/verification/watchlist/${id}/remove`, { reason: "номер перейшов до іншої людини" })).statusCode).toBe(204);
    expect(await hitsOf(wa)).toEqual([]);
  });

  it("names match with the date of birth: a namesake born another day is no full hit, the same man is; a name without a date is a weaker, name-only hit", async () => {
    const { ver1, ver2 } = s.staff;
    const NAME = "Гончаренко Олег Петрович";
    // A provocation whose operator wrote down name and date of birth.
    const bait = await person(NAME, "1991-04-12", "Де ви зустрічаєте? Назвіть точку.");
    await reviewAs(ver1, bait, "rejected", "provocation");
    expect((await reviewAs(ver2, bait, "rejected", "provocation")).json()).toEqual({ stage: "decided" });
    const listed = await s.ctx.db.select({ kind: verificationWatchlist.kind, birthKnown: verificationWatchlist.birthKnown }).from(verificationWatchlist).where(eq(verificationWatchlist.sourceCaseId, bait));
    expect(listed.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([{ kind: "name", birthKnown: true }, { kind: "name_birth", birthKnown: false }]);

    // The same man (his name written another way round) and the same date: a full hit.
    const same = await person("Олег Петрович Гончаренко", "12.04.1991");
    expect(await hitsOf(same)).toEqual(["name_birth"]);
    expect((await panel(same)).risk.factors).toEqual(expect.arrayContaining([expect.objectContaining({ factor: "watchlist_hit", count: 1 })]));
    // A namesake born on another day: no hit at all, on the name or the pair.
    const namesake = await person(NAME, "1985-09-30");
    expect(await hitsOf(namesake)).toEqual([]);
    expect((await panel(namesake)).risk.factors.map((f: { factor: string }) => f.factor)).not.toContain("watchlist_hit");
    // No date written down: the name alone, flagged as the weaker kind and weighed less.
    const undated = await person(NAME);
    expect(await hitsOf(undated)).toEqual(["name"]);
    const factors = (await panel(undated)).risk.factors.map((f: { factor: string }) => f.factor);
    expect(factors).toContain("watchlist_name_only");
    expect(factors).not.toContain("watchlist_hit");
  });

  it("a name added by hand with a date of birth matches the person, not his namesake", async () => {
    const added = await s.staff.ver1.request("POST", "/api/verification/watchlist", { kind: "name", value: "Дорошенко Андрій", birthDate: "1979-11-02", note: "Попередження від сусідньої бригади" });
    expect(added.statusCode, added.body).toBe(201);
    expect(await hitsOf(await person("Дорошенко Андрій", "1979-11-02"))).toEqual(["name_birth"]);
    expect(await hitsOf(await person("Дорошенко Андрій", "1980-01-15"))).toEqual([]);
    expect(await hitsOf(await person("Андрій Дорошенко"))).toEqual(["name"]);
  });
});
