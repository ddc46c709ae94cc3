import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { canary, searchForCanaries } from "../../support/canary.js";
import { powRecords } from "../../../src/server/registration/tables.js";
import { auditLog } from "../../../src/server/db/schema.js";
import { archiveDecryptor, archivePrefixLength, generateBackupRecipient } from "../../../src/server/crypto/archive.js";
import { FULL, handedOverCase, registered } from "./support.js";

type Who = "op1" | "reg" | "reg2" | "resettle";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
const ARTEFACTS = path.resolve("test-results/registration");
const inRange: string[] = [];
let outOfRange: string;
let notRegistered: string;
let pdfCase: string;
const WORDS = canary("choice_words", 1);

beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", reg: "registrar", reg2: "registrar", resettle: "resettlement_officer" }, startAt: new Date("2026-11-25T10:00:00Z") });
  s = store.staff;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
  for (const i of [1, 2]) {
    const id = await handedOverCase(store.ctx, s.op1, s.reg);
    await registered(s.reg, id, { ...FULL, surname: canary("surname", i), service_number: canary("number", i), informed_person_address: canary("address", i) });
    inRange.push(id);
  }
  outOfRange = await handedOverCase(store.ctx, s.op1, s.reg);
  await registered(s.reg, outOfRange, { ...FULL, surname: canary("surname", 3) });
  await store.ctx.db.update(powRecords).set({ registeredAt: new Date("2026-10-01T10:00:00Z") }).where(eq(powRecords.caseId, outOfRange));
  notRegistered = await handedOverCase(store.ctx, s.op1, s.reg);
  expect((await s.reg.request("PUT", `/api/registration/cases/${notRegistered}/record`, { values: { ...FULL, surname: canary("surname", 4) }, confirmed: Object.keys(FULL), familyConsent: false })).statusCode).toBe(200);
  // His choice, on the first case: to stay, in his own words.
  const c = await s.reg.request("PUT", `/api/registration/cases/${inRange[0]}/choice`, { choice: "stay", date: "2026-11-25", words: WORDS, shareWith: [s.resettle.userId] });
  expect(c.statusCode, c.body).toBe(200);
  expect((await s.reg.request("POST", `/api/registration/cases/${inRange[0]}/events`, { kind: "hospitalisation", date: "2026-11-24", place: "госпиталь № 2", health: "sick" })).statusCode).toBe(201);
  pdfCase = await handedOverCase(store.ctx, s.op1, s.reg);
  await registered(s.reg, pdfCase);
}, 300_000);
afterAll(async () => store?.close());

const newExport = async () => (await s.reg.request("POST", "/api/registration/exports", { from: "2026-11-20", to: "2026-11-30" })).json().id as string;

describe("the information bureau's list (Art. 122)", () => {
  it("needs a second registrar's approval, runs once for the one who asked, holds exactly the registered of the range and never the choice", async () => {
    expect((await s.resettle.request("POST", "/api/registration/exports", { from: "2026-11-20", to: "2026-11-30" })).statusCode).toBe(403);
    expect((await s.reg.request("POST", "/api/registration/exports", { from: "2026-11-30", to: "2026-11-20" })).statusCode).toBe(400);
    const id = await newExport();
    expect((await s.reg.request("POST", `/api/registration/exports/${id}/run`, { format: "csv" })).statusCode).toBe(409);
    expect((await s.reg.request("POST", `/api/registration/exports/${id}/approve`)).statusCode).toBe(403);
    expect((await s.resettle.request("POST", `/api/registration/exports/${id}/approve`)).statusCode).toBe(403);
    expect((await s.reg2.request("POST", `/api/registration/exports/${id}/approve`)).statusCode).toBe(204);
    expect((await s.reg2.request("POST", `/api/registration/exports/${id}/run`, { format: "csv" })).statusCode).toBe(404);
    const r = await s.reg.request("POST", `/api/registration/exports/${id}/run`, { format: "csv" });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers["content-type"]).toContain("text/csv");
    const csv = r.body;
    expect(csv.split("\n")[0]).toMatch(/^case,registered,surname,first_names,rank,birth_date,service_number/);
    expect(csv).toContain(canary("surname", 1));
    expect(csv).toContain(canary("surname", 2));
    expect(csv).toContain("hospitalisation госпиталь № 2 sick");
    expect(csv).not.toContain(canary("surname", 3)); // registered before the range
    expect(csv).not.toContain(canary("surname", 4)); // never registered
    expect(csv).not.toMatch(/choice|stay|CHOICE_WORDS/i);
    expect(r.headers["x-prisoners"]).toBe("3"); // the two of the canaries and the card's case, all registered today
    expect((await s.reg.request("POST", `/api/registration/exports/${id}/run`, { format: "csv" })).statusCode).toBe(409);
    // Audited: who asked, who approved, who ran it, with the count and never a name; the refused
    // tries too (before the approval, and again once it was used).
    const rows = await store.ctx.db.select().from(auditLog).where(and(eq(auditLog.subjectType, "pow_export"), eq(auditLog.subjectId, id))).orderBy(asc(auditLog.seq));
    expect(rows.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ["pow.export_requested", s.reg.userId, { from: "2026-11-20", to: "2026-11-30" }],
      ["pow.export_refused", s.reg.userId, { step: "run", reason: "not_approved" }],
      ["pow.export_refused", s.reg.userId, { step: "approve", reason: "own_request" }],
      ["pow.export_refused", s.resettle.userId, { step: "approve", reason: "role" }],
      ["pow.export_approved", s.reg2.userId, {}],
      ["pow.export_refused", s.reg2.userId, { step: "run", reason: "not_requester" }],
      ["pow.export_run", s.reg.userId, { format: "csv", prisoners: 3, encrypted: false }],
      ["pow.export_refused", s.reg.userId, { step: "run", reason: "already_run" }],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/CANARY-|Зайцев/);
  });

  it("refuses, with how many and never who, an exporter who cannot open every prisoner of the range, and leaves the export unused", async () => {
    const id = (await s.reg2.request("POST", "/api/registration/exports", { from: "2026-11-20", to: "2026-11-30" })).json().id as string;
    expect((await s.reg.request("POST", `/api/registration/exports/${id}/approve`)).statusCode).toBe(204);
    const r = await s.reg2.request("POST", `/api/registration/exports/${id}/run`, { format: "json" });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error.details).toEqual({ withheld: 3 }); // every one of the range is assigned to reg, none to reg2
    expect(r.body).not.toMatch(/CANARY-|Зайцев/);
    const mine = (await s.reg2.request("GET", "/api/registration/exports")).json().find((e: { id: string }) => e.id === id);
    expect(mine.runAt).toBeNull();
    // The refused attempt is in the audit log, by whom and how many, with no name or value of a
    // prisoner; nothing was exported, so there is no run.
    const rows = await store.ctx.db.select().from(auditLog).where(and(eq(auditLog.subjectType, "pow_export"), eq(auditLog.subjectId, id))).orderBy(asc(auditLog.seq));
    expect(rows.map((a) => [a.action, a.actorId, a.details])).toEqual([
      ["pow.export_requested", s.reg2.userId, { from: "2026-11-20", to: "2026-11-30" }],
      ["pow.export_approved", s.reg.userId, {}],
      ["pow.export_refused", s.reg2.userId, { step: "run", reason: "withheld", withheld: 3 }],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/CANARY-|Зайцев/);
    // Through the audit page an auditor reads too: the refusal is listed for the export.
    const page = await store.admin.request("GET", `/api/audit?action=pow.export_refused`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain(id);
  });

  it("audits every refused attempt, by another registrar and by another role, at each step: who, which export, the step and why, never a prisoner", async () => {
    const mark = (await store.ctx.db.select().from(auditLog).orderBy(asc(auditLog.seq))).at(-1)!.seq;
    const before = (await s.resettle.request("POST", "/api/registration/exports", { from: "2026-11-20", to: "2026-11-30" })).statusCode;
    const id = await newExport();
    const nobody = "00000000-0000-4000-8000-000000000000";
    const tries: [Who, string, number][] = [
      ["resettle", `/api/registration/exports/${id}/run`, 403], // another role runs it
      ["resettle", `/api/registration/exports/${id}/approve`, 403], // another role approves it
      ["op1", `/api/registration/exports/${id}/approve`, 403],
      ["reg", `/api/registration/exports/${id}/approve`, 403], // his own request
      ["reg2", `/api/registration/exports/${nobody}/approve`, 404], // no such export
      ["reg2", `/api/registration/exports/${id}/approve`, 204],
      ["reg2", `/api/registration/exports/${id}/approve`, 409], // approved already
      ["reg2", `/api/registration/exports/${id}/run`, 404], // another registrar runs it: as if there were none
      ["reg2", `/api/registration/exports/${nobody}/run`, 404],
    ];
    for (const [who, url, status] of tries) {
      const r = await s[who].request("POST", url, url.endsWith("/run") ? { format: "csv" } : undefined);
      expect([who, url, r.statusCode]).toEqual([who, url, status]);
      expect(r.body).not.toMatch(/CANARY-|Зайцев/);
    }
    expect(before).toBe(403);
    const rows = (await store.ctx.db.select().from(auditLog).where(eq(auditLog.subjectType, "pow_export")).orderBy(asc(auditLog.seq))).filter((a) => a.seq > mark);
    expect(rows.map((a) => [a.action, a.actorId, a.subjectId, a.details])).toEqual([
      ["pow.export_refused", s.resettle.userId, null, { step: "request", reason: "role" }],
      ["pow.export_requested", s.reg.userId, id, { from: "2026-11-20", to: "2026-11-30" }],
      ["pow.export_refused", s.resettle.userId, id, { step: "run", reason: "role" }],
      ["pow.export_refused", s.resettle.userId, id, { step: "approve", reason: "role" }],
      ["pow.export_refused", s.op1.userId, id, { step: "approve", reason: "role" }],
      ["pow.export_refused", s.reg.userId, id, { step: "approve", reason: "own_request" }],
      ["pow.export_refused", s.reg2.userId, nobody, { step: "approve", reason: "not_found" }],
      ["pow.export_approved", s.reg2.userId, id, {}],
      ["pow.export_refused", s.reg2.userId, id, { step: "approve", reason: "already_approved" }],
      ["pow.export_refused", s.reg2.userId, id, { step: "run", reason: "not_requester" }],
      ["pow.export_refused", s.reg2.userId, nobody, { step: "run", reason: "not_found" }],
    ]);
    // Nothing ran: the export is still his to run, once.
    expect((await s.reg.request("GET", "/api/registration/exports")).json().find((e: { id: string }) => e.id === id).runAt).toBeNull();
    expect(JSON.stringify(rows)).not.toMatch(/CANARY-|Зайцев/);
  });

  it("encrypted to the bureau's public key: only its private key opens the JSON", async () => {
    const id = await newExport();
    expect((await s.reg2.request("POST", `/api/registration/exports/${id}/approve`)).statusCode).toBe(204);
    const bureau = generateBackupRecipient();
    expect((await s.reg.request("POST", `/api/registration/exports/${id}/run`, { format: "json", recipientPublicKey: "x".repeat(43) })).statusCode).toBe(400);
    const r = await s.reg.request("POST", `/api/registration/exports/${id}/run`, { format: "json", recipientPublicKey: bureau.publicKey.toString("base64url") });
    expect(r.statusCode, r.body).toBe(200);
    const bytes = r.rawPayload;
    expect(bytes.includes(Buffer.from(canary("surname", 1)))).toBe(false);
    const n = archivePrefixLength(bytes)!;
    const dec = archiveDecryptor(bytes.subarray(0, n), bureau);
    const parts: Buffer[] = [];
    dec.on("data", (c: Buffer) => parts.push(c));
    await new Promise<void>((resolve, reject) => dec.on("end", resolve).on("error", reject).end(bytes.subarray(n)));
    const json = JSON.parse(Buffer.concat(parts).toString("utf8"));
    expect(json.prisoners.map((p: { surname: string }) => p.surname).sort()).toEqual([canary("surname", 1), canary("surname", 2), FULL.surname].sort());
    expect(JSON.stringify(json)).not.toMatch(/choice|CHOICE_WORDS/i);
  });

  it("leaves no plain copy on the server's disk (seizure check of the data directory)", () => {
    const found = searchForCanaries(store.dataDir);
    expect(found.files).toBeGreaterThan(0);
    expect(found.hits).toEqual([]);
  });
});

describe("his choice", () => {
  it("is read only by the people it is sealed to, audited; never in the register", async () => {
    expect((await s.op1.request("GET", `/api/registration/cases/${inRange[0]}/choice`)).statusCode).toBe(403);
    expect((await s.op1.request("PUT", `/api/registration/cases/${inRange[0]}/choice`, { choice: "exchange", date: "2026-11-25" })).statusCode).toBe(403);
    expect((await s.reg.request("PUT", `/api/registration/cases/${inRange[0]}/choice`, { choice: "stay", date: "2026-11-25", shareWith: [s.op1.userId] })).statusCode).toBe(400);
    const mine = await s.reg.request("GET", `/api/registration/cases/${inRange[0]}/choice`);
    expect(mine.json()).toEqual({ choice: "stay", date: "2026-11-25", words: WORDS, updatedAt: expect.any(String) });
    const register = await s.reg.request("GET", "/api/registration/register");
    expect(register.body).not.toMatch(/stay|CHOICE_WORDS/i);
    expect((await s.reg.request("GET", `/api/registration/cases/${inRange[0]}`)).body).not.toMatch(/CHOICE_WORDS|"stay"/);
    // A second registrar with the case in his scope but not named: not found.
    expect((await s.op1.request("POST", `/api/cases/${inRange[0]}/assign`, { userId: s.reg2.userId })).statusCode).toBe(204);
    expect((await s.reg2.request("GET", `/api/registration/cases/${inRange[0]}/choice`)).statusCode).toBe(404);
    // The resettlement officer it was sealed to, once the case is his.
    expect((await s.op1.request("POST", `/api/cases/${inRange[0]}/assign`, { userId: s.resettle.userId })).statusCode).toBe(204);
    const his = await s.resettle.request("GET", `/api/registration/cases/${inRange[0]}/choice`);
    expect(his.statusCode, his.body).toBe(200);
    expect(his.json().words).toBe(WORDS);
  });
});

describe("the capture card PDF", () => {
  it("carries every Art. 17 field with Cyrillic intact, in an embedded font; a rendered page is kept", async () => {
    const view = (await s.reg.request("GET", `/api/registration/cases/${pdfCase}`)).json();
    const r = await s.reg.request("POST", `/api/registration/cases/${pdfCase}/cards/${view.cards[0].id}/print`, { copy: "family" });
    expect(r.statusCode, r.body).toBe(200);
    fs.mkdirSync(ARTEFACTS, { recursive: true });
    const file = path.join(ARTEFACTS, "capture-card-family.pdf");
    fs.writeFileSync(file, r.rawPayload);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    for (const f of ["surname", "first_names", "rank", "birth_date", "service_number"] as const) expect([f, text.includes(FULL[f])]).toEqual([f, true]);
    for (const v of [FULL.informed_person_name, FULL.mother_maiden_name, "КАРТОЧКА О ВЗЯТИИ В ПЛЕН", "CAPTURE CARD", "Взят в плен", "легко ранен"]) expect(text).toContain(v);
    expect(text).not.toMatch(/сдал|surrender/i);
    const fonts = execFileSync("pdffonts", [file], { encoding: "utf8" });
    expect(fonts).toMatch(/DejaVuSans/);
    expect(fonts.split("\n").slice(2).filter(Boolean).every((l) => /\byes\b/.test(l))).toBe(true); // embedded
    execFileSync("pdftoppm", ["-png", "-r", "110", "-singlefile", file, path.join(ARTEFACTS, "capture-card-family")]);
    expect(fs.statSync(path.join(ARTEFACTS, "capture-card-family.png")).size).toBeGreaterThan(10_000);
  });
});
