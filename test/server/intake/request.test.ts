import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { onPostgres } from "../../support/store.js";
import type { StaffClient } from "../../support/staff.js";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { auditLog, caseGrants, cases } from "../../../src/server/db/schema.js";
import { applicantSessions } from "../../../src/server/intake/tables.js";
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { parseFormBody, type FormBodyError } from "../../../src/server/intake/form-body.js";
import { REQUEST_FORM } from "../../../src/server/intake/schema.js";
import { caseCount, databaseContains, encodeForm, get, latestCaseId, post, receiptCodeOf } from "./helpers.js";

let ctx: AppContext;
let app: BaseApp;
let operator: StaffClient;
let dataDir: string;
let store: StaffedStore<"op1">;

// Canaries: no log line and no stored byte may ever contain them in clear (scripts/check-logs.ts).
const CANARY = {
  name: "Канарейкин CANARY-NAME7Q2X",
  rank: "CANARY-RANK7Q2X",
  unit: "в/ч CANARY-UNIT7Q2X",
  location: "под CANARY-LOCN7Q2X",
  note: "CANARY-EQPT7Q2X",
  message: "Хочу сдаться, нас трое. CANARY-MSG07Q2X",
};

const fullRequest = {
  who: "group",
  group_size: "3",
  name: CANARY.name,
  rank: CANARY.rank,
  unit: CANARY.unit,
  deployed: "yes",
  region: "zaporizhzhia",
  location: CANARY.location,
  timing: "week",
  equipment: ["tank_sp_artillery", "military_vehicle"],
  equipment_note: CANARY.note,
  contact: "telegram",
  telegram: "@canary_user",
  whatsapp: "",
  phone: "+7 900 123-45-67",
  message: CANARY.message,
  receipt: "digits",
};

beforeAll(async () => {
  store = await staffedStore({ publicApp: true, staff: { op1: "operator" }, beforeStaff: closedHotline });
  ({ ctx, dataDir } = store);
  app = store.publicApp!;
  operator = store.staff.op1;
  expect((await store.admin.request("GET", "/api/auth/session")).statusCode).toBe(200);
});
afterAll(async () => store.close());

/**
 * No administrator yet: the intake team has no key, so nothing can be recorded (tested first).
 * The form page says plainly that the hotline is not open yet; a post keeps his text and says so too.
 */
async function closedHotline({ ctx, publicApp }: { ctx: AppContext; publicApp: BaseApp | null }) {
  const app = publicApp!;
  const closed = await get(app, "/request");
  expect(closed.statusCode).toBe(503);
  expect(closed.body).toContain(CATALOGS.ru.closed.text);
  expect(closed.body).not.toContain(CATALOGS.ru.errors.busy);
  const noTeam = await post(app, "/request", { name: "Тест", message: "Нет ключа команды" });
  expect(noTeam.statusCode).toBe(503);
  expect(noTeam.body).toContain("Нет ключа команды");
  expect(noTeam.body).toContain(CATALOGS.ru.errors.notOpen);
  expect(noTeam.body).not.toContain(CATALOGS.ru.errors.busy);
  expect(await caseCount(ctx)).toBe(0);
}

describe("the request form", () => {
  it("a full request in Russian becomes an encrypted web case; the code is shown once, after the commit", async () => {
    const before = await caseCount(ctx);
    const r = await post(app, "/request", fullRequest);
    expect(r.statusCode).toBe(201);
    expect(r.body).toContain(CATALOGS.ru.done.title);
    const code = receiptCodeOf(r);
    expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(r.body).toContain("шиномонтаж");
    expect(r.headers["content-encoding"]).toBeUndefined(); // a page with a secret is never compressed
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(await caseCount(ctx)).toBe(before + 1);

    // The session cookie: HttpOnly, SameSite=Strict, only for /return, no lasting expiry.
    const cookie = r.cookies.find((c) => c.name === "sp_applicant")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/return" });
    expect(cookie.expires).toBeUndefined();
    expect(cookie.maxAge).toBeUndefined();

    const caseId = await latestCaseId(ctx);
    const [row] = await ctx.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row).toMatchObject({ channel: "web", state: "new", teamId: "intake", unreadCount: 1 });
    expect(row!.receiptHash).toMatch(/^\$argon2id\$/);
    const grants = await ctx.db.select().from(caseGrants).where(eq(caseGrants.caseId, caseId));
    expect(grants.map((g) => g.recipientType).sort()).toEqual(["applicant", "team"]);
    const [session] = await ctx.db.select().from(applicantSessions).where(eq(applicantSessions.caseId, caseId));
    expect(session).toBeDefined();

    // Nothing he wrote, nor his code, is anywhere in the database in clear.
    for (const canary of [...Object.values(CANARY), "canary_user", code, code.replace(/ /g, "")]) {
      expect(await databaseContains(ctx, canary), canary).toEqual([]);
    }
    const [created] = await ctx.db.select().from(auditLog).where(eq(auditLog.subjectId, caseId));
    expect(created!.details).toEqual({ channel: "web" });

    // The operator reads it all.
    const open = await operator.request("GET", `/api/cases/${caseId}`);
    expect(open.statusCode).toBe(200);
    const c = open.json();
    expect(c.channel).toBe("web");
    expect(c.sections.identity).toEqual({ name: CANARY.name, rank: CANARY.rank, unit: CANARY.unit });
    expect(c.sections.contact).toEqual({ preferred: "telegram", telegram: "@canary_user", phone: "+79001234567" });
    expect(c.sections.questionnaire).toMatchObject({
      group: 3,
      deployed: "yes",
      region: "zaporizhzhia",
      location: CANARY.location,
      timing: "week",
      equipment: ["tank_sp_artillery", "military_vehicle"],
      equipmentNote: CANARY.note,
      rewardScheduleFrom: "2022-04-01",
      language: "ru",
    });
    expect(c.messages).toEqual([expect.objectContaining({ direction: "in", body: CANARY.message })]);
  });

  it("on the embedded store, no file on disk holds what he wrote", async () => {
    if (onPostgres()) return;
    await ctx.database.checkpoint();
    const needles = [CANARY.message, CANARY.name, CANARY.location].map((s) => Buffer.from(s.split(" ").at(-1)!, "utf8"));
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(dataDir)) {
      const bytes = fs.readFileSync(file);
      for (const n of needles) expect(bytes.includes(n), `${file} holds ${n.toString()}`).toBe(false);
    }
  });

  it("seven words instead of digits, in Ukrainian, with the words also in Cyrillic", async () => {
    const r = await post(app, "/request?lang=uk", { message: "Прошу зв’язатися", receipt: "words" });
    expect(r.statusCode).toBe(201);
    expect(r.body).toContain('<html lang="uk">');
    const code = receiptCodeOf(r);
    expect(code.split(" ")).toHaveLength(7);
    expect(r.body).toContain(CATALOGS.uk.done.wordsAdvice.split(":")[0]);
    const c = (await operator.request("GET", `/api/cases/${await latestCaseId(ctx)}`)).json();
    expect(c.sections.questionnaire.language).toBe("uk");
  });

  it("a mistake brings the form back with everything he typed and a clear message in his language", async () => {
    const before = await caseCount(ctx);
    const r = await post(app, "/request", { ...fullRequest, contact: "whatsapp", whatsapp: "", phone: "не номер", group_size: "1" });
    expect(r.statusCode).toBe(400);
    expect(await caseCount(ctx)).toBe(before);
    expect(r.headers["set-cookie"]).toBeUndefined();
    expect(r.body).toContain(CATALOGS.ru.errors.summary);
    expect(r.body).toContain(CATALOGS.ru.errors.whatsappMissing);
    expect(r.body).toContain(CATALOGS.ru.errors.phoneInvalid);
    expect(r.body).toContain(CATALOGS.ru.errors.groupSize);
    // Kept: text fields, the textarea, radios, selects and checkboxes.
    expect(r.body).toContain(`value="${CANARY.name}"`);
    expect(r.body).toContain(`>${CANARY.message}</textarea>`);
    expect(r.body).toContain('value="не номер"');
    expect(r.body).toMatch(/value="whatsapp" checked/);
    expect(r.body).toMatch(/value="zaporizhzhia" selected/);
    expect(r.body).toMatch(/value="tank_sp_artillery" checked/);
    expect(r.body).toMatch(/value="military_vehicle" checked/);
    expect(r.body).toMatch(/value="combat_helicopter">/);
    expect(r.body).toContain('aria-invalid="true"');

    const en = await post(app, "/request?lang=en", {});
    expect(en.statusCode).toBe(400);
    expect(en.body).toContain(CATALOGS.en.errors.empty);

    const long = await post(app, "/request?lang=uk", { name: "я".repeat(201), message: "Привіт" });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain(CATALOGS.uk.errors.tooLong.replace("{n}", "200"));
    expect(await caseCount(ctx)).toBe(before);
  });

  it("every crafted form gets a clear 4xx and stores nothing", async () => {
    const before = await caseCount(ctx);
    const ok = encodeForm({ name: "Иван", message: "Здравствуйте" });
    const crafted: [string, string | Buffer, string, number][] = [
      ["broken UTF-8 (lone continuation)", `${ok}&unit=%80`, "application/x-www-form-urlencoded", 400],
      ["broken UTF-8 (truncated sequence)", `${ok}&unit=%D0`, "application/x-www-form-urlencoded", 400],
      ["broken UTF-8 (overlong)", `${ok}&unit=%C0%AF`, "application/x-www-form-urlencoded", 400],
      ["raw invalid bytes", Buffer.concat([Buffer.from(`${ok}&unit=`), Buffer.from([0xff, 0xfe])]), "application/x-www-form-urlencoded", 400],
      ["bad percent escape", `${ok}&unit=%ZZ`, "application/x-www-form-urlencoded", 400],
      ["NUL byte", `${ok}&unit=a%00b`, "application/x-www-form-urlencoded", 400],
      ["repeated field", `${ok}&name=Пётр`, "application/x-www-form-urlencoded", 400],
      ["repeated checkbox value", `${ok}&equipment=mlrs&equipment=mlrs`, "application/x-www-form-urlencoded", 400],
      ["unknown field", `${ok}&admin=1`, "application/x-www-form-urlencoded", 400],
      ["prototype key", `${ok}&__proto__=x`, "application/x-www-form-urlencoded", 400],
      ["too many fields", `${ok}${"&x=1".repeat(100)}`, "application/x-www-form-urlencoded", 400],
      ["oversized value (over the hard cap)", `${ok}&unit=${"a".repeat(30_000)}`, "application/x-www-form-urlencoded", 400],
      ["oversized body", `${ok}&unit=${"a".repeat(70_000)}`, "application/x-www-form-urlencoded", 413],
      ["wrong type: group size", encodeForm({ who: "group", group_size: "три", message: "x" }), "application/x-www-form-urlencoded", 400],
      ["wrong type: region not in the list", encodeForm({ region: "moon", message: "x" }), "application/x-www-form-urlencoded", 400],
      ["wrong type: equipment not in the schedule", encodeForm({ equipment: "nuclear_submarine", message: "x" }), "application/x-www-form-urlencoded", 400],
      ["wrong type: receipt kind", encodeForm({ receipt: "emoji", message: "x" }), "application/x-www-form-urlencoded", 400],
      ["JSON", JSON.stringify({ name: "Иван", message: "x" }), "application/json", 415],
      ["multipart", `--b\r\nContent-Disposition: form-data; name="message"\r\n\r\nx\r\n--b--`, "multipart/form-data; boundary=b", 415],
      ["another charset", ok, "application/x-www-form-urlencoded; charset=windows-1251", 415],
      ["plain text", "message=x", "text/plain", 415],
    ];
    for (const [what, body, contentType, status] of crafted) {
      const r = await post(app, "/request?lang=uk", body, { contentType });
      expect(r.statusCode, what).toBe(status);
      expect(r.headers["content-type"], what).toBe("text/html; charset=utf-8");
      expect(r.body, what).toContain('<html lang="uk">');
      expect(r.headers["set-cookie"], what).toBeUndefined();
    }
    expect(await caseCount(ctx)).toBe(before);
    // The refusal page explains and offers the way back, in his language.
    const page = await post(app, "/request?lang=uk", `${ok}&unit=%80`);
    expect(page.body).toContain(CATALOGS.uk.problem.badFormTitle);
    // A body that is nothing at all.
    const empty = await app.inject({ method: "POST", url: "/request", remoteAddress: "10.99.0.1" });
    expect(empty.statusCode).toBeGreaterThanOrEqual(400);
    expect(empty.statusCode).toBeLessThan(500);
    expect(await caseCount(ctx)).toBe(before);
  });

  it("the form reader refuses precisely what browsers never send", () => {
    const read = (s: string) => parseFormBody(Buffer.from(s), REQUEST_FORM);
    expect(read("name=%D0%98%D0%B2%D0%B0%D0%BD+%D0%9F.&equipment=mlrs&equipment=tank_sp_artillery&message=a%0D%0Ab")).toEqual({
      name: "Иван П.",
      equipment: ["mlrs", "tank_sp_artillery"],
      message: "a\nb",
    });
    expect(read("")).toEqual({ equipment: [] });
    const problem = (s: string) => {
      try {
        read(s);
        return null;
      } catch (err) {
        return (err as FormBodyError).problem;
      }
    };
    expect(problem("name=%E2%82")).toBe("utf8");
    expect(problem("name=%ED%A0%80")).toBe("utf8"); // an encoded surrogate half
    expect(problem("name=%1B")).toBe("control");
    expect(problem("name=%C2%85")).toBe("control");
    expect(problem("name=%4")).toBe("encoding");
    expect(problem("name=a&name=b")).toBe("repeated_field");
    expect(problem("nam=a")).toBe("unknown_field");
  });

  it("a GET never sets a cookie, even with a stale one", async () => {
    for (const p of ["/", "/request", "/instructions"]) {
      const r = await get(app, p, { cookie: "s1.bogus.bogus" });
      expect(r.headers["set-cookie"], p).toBeUndefined();
    }
  });
});
