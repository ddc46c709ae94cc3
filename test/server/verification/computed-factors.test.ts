import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { canaryNeedles, searchForCanaries } from "../../support/canary.js";
import { LOG_FILE, onPostgres } from "../../support/store.js";
import { appendInboundMessage, recordIntake } from "../../../src/server/cases/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { backup } from "../../../src/server/backup/copy.js";
import { DEFAULT_SETTINGS, type VerificationSettings } from "../../../src/server/verification/settings.js";
import { verificationCases } from "../../../src/server/verification/tables.js";
import { planBody } from "../operations/support.js";
import { handOver, reviewAs } from "./support.js";

/**
 * Issue 11's computed factors, over real HTTP: identity drift (counted on blind indexes), a unit
 * or sector that does not fit the admin's list, and messages asking for the hotline's locations
 * or procedures (both read under the verifier's key). Each raises its factor when it should and
 * not otherwise, weighs what the settings say, alone makes a case high risk (a supervisor signs
 * off), and stays out of an operator's sight, the store and the logs.
 */
type S = "oper" | "ver1" | "ver2" | "super" | "coord";
let s: StaffedStore<S>;
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-ver3a-backup-"));
const UNIT_CANARY = "CANARY-UNIT00001X";
const PROBE_CANARY = "CANARY-PROBE00001X";
const PROBE_TEXT = "ГДЕ НАХОДЯТСЯ ВАШИ ПОЗИЦИИ";
const W = DEFAULT_SETTINGS.weights;
/** No burst in these tests: many cases arrive within minutes here, and each test isolates one factor. */
const BASE: VerificationSettings = { ...DEFAULT_SETTINGS, burst: { count: 1000, minutes: 1 } };
const UNITS: VerificationSettings["units"] = [{ key: "msp_1430", names: ["1430-й мотострелковый полк", "1430 мсп"], sectors: ["UA-23"] }];

const settings = async (change: Partial<VerificationSettings> = {}) => {
  const r = await s.admin.request("PUT", "/api/verification/settings", { ...BASE, ...change });
  expect(r.statusCode, r.body).toBe(200);
};
type Factor = { factor: string; count: number; weight: number; contribution: number };
const panel = async (id: string, who: S = "ver1") => {
  const r = await s.staff[who].request("GET", `/api/cases/${id}/verification`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { risk: { score: number; high: boolean; factors: Factor[] }; recheck: string[] };
};
const factor = async (id: string, name: string) => (await panel(id)).risk.factors.find((f) => f.factor === name);
/** A web request with these sections, first message and identifiers, handed over to verification. */
async function handedOver(o: { identity?: Record<string, string>; questionnaire?: Record<string, string>; message?: string; identifiers?: Record<string, string>; reply?: string } = {}) {
  s.clock.tick(60_000);
  const { caseId } = await recordIntake(s.ctx, { channel: "web", sections: { identity: { name: "Коваль Андрій", ...o.identity }, ...(o.questionnaire ? { questionnaire: o.questionnaire } : {}) }, message: o.message ?? "Хочу здатися", identifiers: o.identifiers ?? {} });
  if (o.reply) expect((await s.staff.oper.request("POST", `/api/cases/${caseId}/replies`, { text: o.reply })).statusCode).toBe(201);
  await handOver(s.staff.oper, caseId);
  return caseId;
}
/** A later message from the applicant, as a channel adds it (sealed to the case, no key held). */
async function applicantWrites(caseId: string, text: string) {
  const [row] = await s.ctx.db.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, caseId));
  await s.ctx.db.transaction((tx) => appendInboundMessage(s.ctx, tx, { caseId, casePublicKey: row!.publicKey!, channel: "web", text, at: s.clock.now() }));
}
const writeIdentity = async (id: string, identity: Record<string, string>) => {
  const r = await s.staff.ver1.request("PUT", `/api/cases/${id}/sections/identity`, identity);
  expect(r.statusCode, r.body).toBe(200);
};

beforeAll(async () => {
  s = await staffedStore({ staff: { oper: "operator", ver1: "verifier", ver2: "verifier", super: "supervisor", coord: "coordinator" } });
  expect((await s.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
  await settings();
}, 300_000);
afterAll(async () => {
  await s?.close();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

describe("computed risk factors", { timeout: 300_000 }, () => {
  it("identity drift: a second service number or name with date of birth counts, a respelling of the same does not, with the weight in force", async () => {
    const id = await handedOver({ identity: { service_number: "АВ-123456", birth_date: "1990-04-02" }, identifiers: { service_number: "АВ-123456" } });
    expect(await factor(id, "identity_changed")).toBeUndefined();
    // The same number in another spelling and the same person: one value each, no drift.
    await writeIdentity(id, { name: "Коваль Андрій", service_number: "ав 123456", birth_date: "1990-04-02" });
    expect(await factor(id, "identity_changed")).toBeUndefined();
    // Another number: two values.
    await writeIdentity(id, { name: "Коваль Андрій", service_number: "АВ-654321", birth_date: "1990-04-02" });
    expect(await factor(id, "identity_changed")).toEqual({ factor: "identity_changed", count: 1, weight: W.identity_changed, contribution: W.identity_changed, drift: [{ kind: "service_number", values: 2 }] });
    // Back to the first and another date of birth: the index keeps every value, so both kinds drift.
    await writeIdentity(id, { name: "Коваль Андрій", service_number: "АВ-123456", birth_date: "1991-04-02" });
    await settings({ weights: { ...W, identity_changed: 35 } });
    expect(await factor(id, "identity_changed")).toEqual({ factor: "identity_changed", count: 2, weight: 35, contribution: 70, drift: [{ kind: "name_birth", values: 2 }, { kind: "service_number", values: 2 }] });
    expect((await panel(id)).risk.score).toBe(70);
    await settings();
  });

  it("a unit not on the admin's list, or claimed in a sector the list does not have for it, counts; one that fits does not", async () => {
    // With no list the rule is off, whatever is claimed.
    const unlisted = await handedOver({ identity: { unit: UNIT_CANARY }, questionnaire: { region: "donetsk" } });
    expect(await factor(unlisted, "unit_mismatch")).toBeUndefined();
    await settings({ units: UNITS });
    expect(await factor(unlisted, "unit_mismatch")).toEqual({ factor: "unit_mismatch", count: 1, weight: W.unit_mismatch, contribution: W.unit_mismatch, unit: "not_listed" });
    const fits = await handedOver({ identity: { unit: "1430 МСП, 2-я рота" }, questionnaire: { region: "zaporizhzhia" } });
    expect(await factor(fits, "unit_mismatch")).toBeUndefined();
    const elsewhere = await handedOver({ identity: { unit: "1430-й мотострелковый полк" }, questionnaire: { region: "donetsk" } });
    expect(await factor(elsewhere, "unit_mismatch")).toMatchObject({ count: 1, unit: "sector_not_listed" });
    // No unit claimed: nothing to judge.
    expect(await factor(await handedOver(), "unit_mismatch")).toBeUndefined();
    // The list lists the unit there too now; the weight follows the settings.
    await settings({ units: [{ ...UNITS[0]!, sectors: ["UA-23", "UA-14"] }], weights: { ...W, unit_mismatch: 22 } });
    expect(await factor(elsewhere, "unit_mismatch")).toBeUndefined();
    expect(await factor(unlisted, "unit_mismatch")).toMatchObject({ weight: 22, contribution: 22 });
    // The factor says which, never the unit.
    expect(JSON.stringify(await panel(unlisted))).not.toContain(UNIT_CANARY);
    await settings();
  });

  it("messages asking for the hotline's locations or procedures count, however written; the operator's own question does not", async () => {
    // The operator asks how many they are: his question, not the applicant's.
    const calm = await handedOver({ message: "Хочу сдаться, я один", reply: "Сколько вас? Где вы находитесь?" });
    expect(await factor(calm, "probing_questions")).toBeUndefined();

    const id = await handedOver({ message: `Где находятся ваши позиции? ${PROBE_CANARY}` });
    const one = await factor(id, "probing_questions");
    expect(one).toEqual({ factor: "probing_questions", count: 1, weight: W.probing_questions, contribution: W.probing_questions, probing: { messages: 1, rules: ["positions"] } });
    // Capitals, ё for е, a Latin "о" inside a Cyrillic word, Ukrainian: all found.
    await applicantWrites(id, "КАКОЙ МАРШРУТ лучше?");
    await applicantWrites(id, "а скoлько вас там");
    await applicantWrites(id, "Де ви приймаєте людей?");
    await applicantWrites(id, "Спасибо, жду ответа");
    await settings({ weights: { ...W, probing_questions: 10 } });
    const four = await factor(id, "probing_questions");
    expect(four).toEqual({ factor: "probing_questions", count: 4, weight: 10, contribution: 40, probing: { messages: 4, rules: ["positions", "route", "strength", "reception_points"] } });
    // The factor carries no word of the messages.
    expect(JSON.stringify(four)).not.toMatch(/позиции|маршрут|CANARY/i);
    // A phrase an admin adds is a rule from then on.
    await settings({ probing: [...DEFAULT_SETTINGS.probing, { key: "fuel", phrases: ["сколько топлива"] }] });
    const fuel = await handedOver({ message: "Сколько топлива у вас на блокпосту?" });
    expect(await factor(fuel, "probing_questions")).toMatchObject({ count: 1, probing: { messages: 1, rules: ["fuel"] } });
    await settings();
  });

  it("a case made high risk by a computed factor alone needs the supervisor's sign-off, who sees the factor without the case", async () => {
    await settings({ weights: { ...W, probing_questions: BASE.highRiskThreshold } });
    const id = await handedOver({ message: "Скиньте координаты, куда идти" });
    const p = await panel(id, "ver2");
    expect(p.risk).toMatchObject({ high: true, score: BASE.highRiskThreshold, factors: [{ factor: "probing_questions", count: 1 }] });
    expect(p.risk.factors).toHaveLength(1);
    expect((await reviewAs(s.staff.ver1, id, "verified", "genuine")).json()).toEqual({ stage: "second" });
    expect((await reviewAs(s.staff.ver2, id, "verified", "genuine")).json()).toEqual({ stage: "signoff" });
    const queue = await s.staff.super.request("GET", "/api/verification/supervision");
    const item = (queue.json() as { caseId: string; risk: { high: boolean; factors: Factor[] } }[]).find((q) => q.caseId === id);
    expect(item?.risk).toMatchObject({ high: true, factors: [{ factor: "probing_questions", probing: { messages: 1, rules: ["coordinates"] } }] });
    expect(queue.body).not.toMatch(/координаты|Коваль/);
    expect((await s.staff.super.request("POST", `/api/cases/${id}/verification/decision`, { decision: "verified", reasonCode: "genuine", reason: "Спрашивал, куда выходить: объяснено" })).statusCode).toBe(200);
    await settings();
  });

  it("a verified case that then gets another service number is flagged for re-check, and no handover is planned", async () => {
    const id = await handedOver({ identity: { service_number: "КМ-777001" }, identifiers: { service_number: "КМ-777001" } });
    await reviewAs(s.staff.ver1, id, "verified", "genuine");
    expect((await reviewAs(s.staff.ver2, id, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    expect((await panel(id)).recheck).toEqual([]);
    // A request from him with another number, merged into his case.
    s.clock.tick(60_000);
    const { caseId: again } = await recordIntake(s.ctx, { channel: "web", sections: {}, message: "Это снова я", identifiers: { service_number: "КМ-777002" } });
    expect((await s.staff.oper.request("POST", `/api/cases/${again}/assign`, { teamId: "verification" })).statusCode).toBe(204);
    expect((await s.staff.ver1.request("POST", `/api/cases/${again}/merge`, { into: id, reason: "тот же человек" })).statusCode).toBe(200);
    const p = await panel(id);
    expect(p.recheck).toContain("new_identity");
    expect(p.risk.factors.find((f) => f.factor === "identity_changed")).toMatchObject({ count: 1, drift: [{ kind: "service_number", values: 2 }] });
    expect((await s.staff.ver1.request("POST", `/api/cases/${id}/assign`, { teamId: "coordination" })).statusCode).toBe(204);
    const refused = await s.staff.coord.request("POST", "/api/operations", planBody([id], new Date(s.clock.now().getTime() + 86_400_000)));
    expect(refused.statusCode, refused.body).toBe(409);

    // Rewritten on the case itself after a verdict: the verifier's reading indexes it, and the drift and the re-check show.
    const other = await handedOver({ identity: { service_number: "КМ-888001" }, identifiers: { service_number: "КМ-888001" } });
    await reviewAs(s.staff.ver1, other, "verified", "genuine");
    expect((await reviewAs(s.staff.ver2, other, "verified", "genuine")).json()).toEqual({ stage: "decided" });
    s.clock.tick(60_000);
    await writeIdentity(other, { name: "Коваль Андрій", service_number: "КМ-888002" });
    const q = await panel(other);
    expect(q.recheck).toEqual(["identity_changed", "new_identity"]);
    expect(q.risk.factors.find((f) => f.factor === "identity_changed")).toMatchObject({ count: 1 });
  });

  it("an operator or a coordinator sees no factor", async () => {
    const id = await handedOver({ message: "Какой маршрут до вас?", identity: { unit: UNIT_CANARY } });
    expect(await factor(id, "probing_questions")).toBeDefined();
    for (const who of ["oper", "coord"] as const) {
      expect((await s.staff[who].request("GET", `/api/cases/${id}/verification`)).statusCode).toBe(403);
      expect((await s.staff[who].request("GET", "/api/verification/queue")).statusCode).toBe(403);
      expect((await s.staff[who].request("GET", "/api/verification/supervision")).statusCode).toBe(403);
    }
    // The operator handed it over: the case itself is out of his sight now.
    expect((await s.staff.oper.request("GET", `/api/cases/${id}`)).statusCode).toBe(404);
  });

  it("bad unit or probing rules get a 400 and change nothing", async () => {
    const bad = [
      { units: [{ key: "x", names: ["полк"], sectors: ["UA-23"] }] },
      { units: [{ key: "msp_1", names: [], sectors: [] }] },
      { units: [{ key: "msp_1", names: ["полк"], sectors: ["UA-99"] }] },
      { units: [UNITS[0], UNITS[0]] },
      { probing: [{ key: "empty", phrases: [] }] },
      { probing: [{ key: "short", phrases: ["a"] }] },
    ];
    for (const change of bad) {
      const r = await s.admin.request("PUT", "/api/verification/settings", { ...BASE, ...change });
      expect(r.statusCode, JSON.stringify(change)).toBe(400);
      expect(r.json()).toMatchObject({ error: expect.anything() });
    }
    expect((await s.staff.ver1.request("PUT", "/api/verification/settings", { ...BASE, units: UNITS })).statusCode).toBe(403);
    expect((await s.admin.request("GET", "/api/verification/settings")).json()).toMatchObject({ units: [], probing: DEFAULT_SETTINGS.probing });
  });

  it("seized, the store and the logs hold neither the claimed unit nor the probing message", async () => {
    await settings({ units: UNITS });
    const id = await handedOver({ identity: { unit: `${UNIT_CANARY} бригада` }, questionnaire: { region: "kherson" }, message: `${PROBE_TEXT}? ${PROBE_CANARY}` });
    const p = await panel(id);
    expect(p.risk.factors.map((f) => f.factor)).toEqual(expect.arrayContaining(["unit_mismatch", "probing_questions"]));
    // What is kept for the queues: codes and counts.
    const [kept] = await s.ctx.db.select({ c: verificationCases.contentFindings }).from(verificationCases).where(eq(verificationCases.caseId, id));
    expect(kept?.c).toMatchObject({ unit: "not_listed", probing: { messages: 1, rules: ["positions"] } });

    const needles = [...canaryNeedles(), { encoding: "utf-8", needle: Buffer.from(PROBE_TEXT, "utf8") }, { encoding: "utf-16le", needle: Buffer.from(PROBE_TEXT, "utf16le") }];
    const r = await backup(s.ctx, backupDir);
    const found = onPostgres() ? searchForCanaries(r.dbFile, needles) : searchForCanaries(s.ctx.config.dataDir, needles);
    expect(found.bytes).toBeGreaterThan(10_000);
    expect(found.hits).toEqual([]);
    const log = fs.existsSync(LOG_FILE) ? fs.readFileSync(LOG_FILE, "utf8") : "";
    for (const needle of [UNIT_CANARY, PROBE_CANARY, PROBE_TEXT]) expect(log).not.toContain(needle);
    await settings();
  });
});
