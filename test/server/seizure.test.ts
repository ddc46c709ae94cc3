import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_FILE, onPostgres } from "../support/store.js";
import type { StaffClient } from "../support/staff.js";
import { staffedStore, type StaffedStore } from "../support/staffed.js";
import { canary, canaryNeedles, searchForCanaries } from "../support/canary.js";
import { applicantCookie, post, receiptCodeOf } from "./intake/helpers.js";
import { backup } from "../../src/server/backup/copy.js";
import type { AppContext } from "../../src/server/context.js";
import type { BaseApp } from "../../src/server/http/base.js";
import { deliverDue } from "../../src/server/channels/outbox/worker.js";
import { RecordingApi } from "./channels/support/recorder.js";
import { channelEnv, WEBHOOK_SECRET } from "./channels/support/harness.js";
import { sign, waPayload } from "./channels/support/whatsapp.js";
import { dayFrom, fileWith } from "./resettlement/support.js";

const CASES = Number(process.env.SEIZURE_CASES ?? 200);
/** Applicants who write from Telegram and from WhatsApp (their ids and numbers share prefixes, searched for below). */
const MESSENGER_CASES = 10;
const TG_ID = (j: number) => 7391846200 + j; // needle "739184620"
const SHARED_PHONE = (j: number) => `7916184620${j}`; // shared in Telegram; needle "791618462"
const WA_NUMBER = (j: number) => `7916184630${j}`; // needle "791618463"
/** Cases whose resettlement file gets guarantee notes, a family member and a relocation step (issue 14). */
const RESETTLED = Math.min(CASES, 5);
const ID_PREFIXES = ["739184620", "791618462", "791618463"];
/** The canaries, and every chat id and number in every encoding the search knows. */
const allNeedles = () => [...canaryNeedles(), ...ID_PREFIXES.flatMap((p) => canaryNeedles(p))];
let api: RecordingApi;
let ctx: AppContext;
let staffApp: BaseApp;
let publicApp: BaseApp;
let store: StaffedStore<"seizure_op" | "seizure_res">;
let admin: StaffClient;
let op: StaffClient;
let res: StaffClient;
let resettledCase = "";
const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-seize-backup-"));

/**
 * The seizure test (SECURITY.md, adversary 1): fill a store through the real intake and
 * operator paths with canaries in every identifying field, message, note, reason and attachment;
 * then search everything a thief could take for any canary, in UTF-8, UTF-16, hex and base64.
 */
beforeAll(async () => {
  api = await new RecordingApi().start();
  // 200 requests in a minute or two is exactly what the flood switch is for; this test is about
  // storage, not flood defence (tested in test/server/intake/flood.test.ts), so it is off here.
  process.env.INTAKE_FLOOD_MODE = "off";
  store = await staffedStore({
    env: channelEnv(api.url),
    publicApp: true,
    staff: { seizure_op: "operator", seizure_res: "resettlement_officer" },
  });
  const { clock } = store;
  ({ ctx, app: staffApp, admin } = store);
  publicApp = store.publicApp!;
  op = store.staff.seizure_op;
  res = store.staff.seizure_res;
  await admin.request("GET", "/api/auth/session"); // seals the intake team key to the operator

  const resettle = async (caseId: string, i: number) => {
    const c = (f: string) => canary(f, i);
    // His family and the guarantees he asked for, through the resettlement officer's real path.
    expect((await op.request("POST", `/api/cases/${caseId}/assign`, { userId: res.userId })).statusCode).toBe(204);
    await fileWith(res, caseId, { notes: c("gn"), name: c("fm"), whereabouts: c("fw"), contact: c("fc"), step: c("fs"), dueOn: dayFrom(store.clock.now(), 7), stepDueOn: dayFrom(store.clock.now(), 3) });
    resettledCase = caseId;
  };
  const one = async (i: number) => {
    const c = (f: string) => canary(f, i);
    // The applicant's real path: the public form (each from its own address), then a reply of his.
    const submitted = await post(publicApp, "/request", {
      who: "group",
      group_size: "2",
      name: `${c("nm")} Иванов`,
      rank: c("rk"),
      unit: c("un"),
      deployed: "yes",
      region: "zaporizhzhia",
      location: c("lc"),
      timing: "week",
      equipment: ["tank_sp_artillery"],
      equipment_note: c("eq"),
      contact: "phone",
      telegram: "",
      whatsapp: "+7 999 000 11 22",
      phone: "+7 999 000 11 22",
      message: `Хочу сдаться ${c("ms")}`,
      receipt: i % 2 ? "digits" : "words",
    });
    expect(submitted.statusCode, submitted.statusCode === 201 ? "" : (submitted.body.match(/class="err[^"]*"[^>]*>[^<]*/g) ?? []).join(" | ")).toBe(201);
    receiptCodeOf(submitted);
    const answer = await post(publicApp, "/return/reply", { message: `Понял ${c("ar")}` }, { cookie: applicantCookie(submitted)! });
    expect(answer.statusCode).toBeLessThan(400);
    const caseId = String((await ctx.database.executeSql("SELECT id FROM cases ORDER BY number DESC LIMIT 1")).rows[0]!.id);
    expect((await op.request("POST", `/api/cases/${caseId}/replies`, { text: `Ответ ${c("re")}` })).statusCode).toBe(201);
    expect((await op.request("POST", `/api/cases/${caseId}/notes`, { text: `Заметка ${c("no")}` })).statusCode).toBe(201);
    expect((await op.request("POST", `/api/cases/${caseId}/transition`, { to: "preliminary", reason: `Причина ${c("rs")}` })).statusCode).toBe(200);
    const up = await staffApp.inject({
      method: "POST",
      url: `/api/cases/${caseId}/attachments`,
      headers: { cookie: `sp_staff=${op.cookie}`, "x-csrf-token": op.csrf, "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(`${c("fn")}.txt`) },
      payload: Buffer.from(`документ ${c("at")} `.repeat(50)),
    });
    expect(up.statusCode).toBe(201);
    if (i < RESETTLED) await resettle(caseId, i);
  };
  // One at a time, so "the latest case" is this applicant's; intake is bound by its Argon2id runs anyway.
  for (let i = 0; i < CASES; i++) await one(i);

  // Applicants who write from Telegram (username, name, text, location, his own phone shared)
  // and from WhatsApp, each answered by the operator through the outbox.
  let update = 0;
  const tg = (j: number, body: Record<string, unknown>) => {
    const from = { id: TG_ID(j), is_bot: false, first_name: canary("tf", j), username: canary("tu", j), language_code: "ru" };
    update++;
    return publicApp.inject({
      method: "POST",
      url: "/channels/telegram",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      payload: JSON.stringify({ update_id: 970000000 + update, message: { message_id: update, from, chat: { id: TG_ID(j), type: "private" }, date: Math.floor(clock.now().getTime() / 1000), ...body } }),
    });
  };
  const wa = (j: number, body: Record<string, unknown>) => {
    const raw = JSON.stringify(waPayload(WA_NUMBER(j), { timestamp: String(Math.floor(clock.now().getTime() / 1000)), ...body }, canary("wn", j)));
    return publicApp.inject({ method: "POST", url: "/channels/whatsapp", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) }, payload: raw });
  };
  const latest = async () => String((await ctx.database.executeSql("SELECT id FROM cases ORDER BY number DESC LIMIT 1")).rows[0]!.id);
  for (let j = 0; j < MESSENGER_CASES; j++) {
    for (const body of [
      { text: `Хочу сдаться ${canary("tm", j)}` },
      { location: { latitude: 47.1 + j / 100, longitude: 35.2 } },
      { contact: { phone_number: `+${SHARED_PHONE(j)}`, first_name: canary("tf", j), user_id: TG_ID(j) } },
    ]) {
      expect((await tg(j, body)).statusCode).toBe(200);
    }
    if (j < 2) await resettle(await latest(), CASES + j); // his family recorded before the bot answers him
    expect((await op.request("POST", `/api/cases/${await latest()}/replies`, { text: `Ответ ${canary("tr", j)}` })).statusCode).toBe(201);
    expect((await wa(j, { id: `wamid.SEIZE${j}`, type: "text", text: { body: `Здравствуйте ${canary("wm", j)}` } })).statusCode).toBe(200);
    expect((await op.request("POST", `/api/cases/${await latest()}/replies`, { text: `Ответ ${canary("wr", j)}` })).statusCode).toBe(201);
  }
  while ((await deliverDue(ctx)) > 0);
  await ctx.database.checkpoint();
  // The thief takes the disk, not the key file (it belongs elsewhere; here it sat in the data directory).
  fs.rmSync(ctx.config.keyFile, { force: true });
}, 600_000);

afterAll(async () => {
  await api.close();
  await store.close();
  fs.rmSync(backupDir, { recursive: true, force: true });
});

describe(`seizure test (${CASES} cases, ${process.env.TEST_STORE})`, () => {
  it("the canaries are really there for the staff who may read them (the test is not vacuous)", async () => {
    const inbox = (await op.request("GET", "/api/cases?limit=200")).json().items;
    expect(inbox.length).toBeGreaterThanOrEqual(Math.min(CASES, 200));
    const web = inbox.find((x: { channel: string }) => x.channel === "web"); // the messenger cases come last, so first in the inbox
    const c = (await op.request("GET", `/api/cases/${web.id}`)).json();
    expect(JSON.stringify(c)).toMatch(/CANARY-NM\d{5}X/);
    const thread = c.messages.map((m: { body: string }) => m.body).join(" ");
    expect(thread).toMatch(/CANARY-RE\d{5}X/);
    expect(thread).toMatch(/CANARY-AR\d{5}X/);
    const file = (await res.request("GET", `/api/resettlement/cases/${resettledCase}`)).body;
    for (const f of ["GN", "FM", "FW", "FC", "FS"]) expect(file).toMatch(new RegExp(`CANARY-${f}\\d{5}X`));
    // And the search finds a canary when there is one (the needles work in every encoding).
    const probe = path.join(backupDir, "..", `sp-probe-${process.pid}`);
    fs.mkdirSync(probe, { recursive: true });
    const sample = "x CANARY-PROBE00001X y";
    fs.writeFileSync(path.join(probe, "a"), Buffer.concat([Buffer.from(sample), Buffer.from(sample, "utf16le"), Buffer.from(Buffer.from(sample).toString("hex")), Buffer.from(Buffer.from(sample).toString("base64"))]));
    const found = new Set(searchForCanaries(probe).hits.map((h) => h.encoding));
    fs.rmSync(probe, { recursive: true, force: true });
    // "x " puts the canary at byte 2 of a 3-byte group: the base64@2 needle must find it.
    expect([...found]).toEqual(expect.arrayContaining(["utf-8", "utf-16le", "hex", "base64@2"]));
    expect(canaryNeedles().length).toBeGreaterThanOrEqual(10);
  });

  it("the Telegram and WhatsApp applicants are really there, and their chat ids and numbers went through this server", async () => {
    const telegram = (await op.request("GET", "/api/cases/search?telegram=" + encodeURIComponent(String(TG_ID(3))))).json();
    expect(JSON.stringify(telegram)).toMatch(/"id":"[0-9a-f-]{36}"/); // found by its (slow) Telegram id index
    expect(api.telegram("sendMessage").map((c) => c.body?.chat_id)).toEqual(expect.arrayContaining(Array.from({ length: MESSENGER_CASES }, (_, j) => TG_ID(j))));
    expect(api.calls.filter((c) => c.path.endsWith("/messages")).map((c) => c.body?.to)).toEqual(expect.arrayContaining(Array.from({ length: MESSENGER_CASES }, (_, j) => WA_NUMBER(j))));
    expect(fs.existsSync(ctx.config.keyFile)).toBe(false);
  });

  it("no message the bots sent an applicant carries his family's data or a guarantee note", () => {
    expect(api.telegram("sendMessage").length).toBeGreaterThan(0);
    expect(JSON.stringify(api.calls)).not.toMatch(/CANARY-(GN|FM|FW|FC|FS)\d{5}X/);
  });

  it("the database files (PGlite data directory) or the pg_dump reveal no canary", async () => {
    const r = await backup(ctx, backupDir);
    if (onPostgres()) {
      const dump = searchForCanaries(r.dbFile, allNeedles());
      expect(dump.bytes).toBeGreaterThan(100_000);
      expect(dump.hits).toEqual([]);
    } else {
      const dir = searchForCanaries(ctx.config.dataDir, allNeedles());
      expect(dir.files).toBeGreaterThan(100);
      expect(dir.hits).toEqual([]);
    }
  });

  it("the backup (database copy and attachments) reveals no canary", () => {
    const r = searchForCanaries(backupDir, allNeedles());
    expect(r.files).toBeGreaterThan(CASES);
    expect(r.hits).toEqual([]);
  });

  it("the attachments folder reveals no canary", () => {
    const r = searchForCanaries(path.join(ctx.config.dataDir, "attachments"), allNeedles());
    expect(r.files).toBe(CASES);
    expect(r.hits).toEqual([]);
  });

  it("the logs reveal no canary", () => {
    const r = searchForCanaries(LOG_FILE, allNeedles());
    expect(r.files).toBe(1);
    expect(r.hits).toEqual([]);
  });
});
