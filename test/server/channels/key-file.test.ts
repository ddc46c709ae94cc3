import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sodium from "sodium-native";
import { channelOutbox, channelDialogs } from "../../../src/server/channels/tables.js";
import { openWithServerKey, type ServerKeyPurpose } from "../../../src/server/crypto/server-key.js";
import { blindIndexAsync } from "../../../src/server/crypto/blind-index.js";
import { channelKey } from "../../../src/server/channels/sealing.js";
import { BOT_TOKEN, caseIdOf, channelHarness, drain, postUpdate, type Harness } from "./support/harness.js";
import { postWhatsApp, waPayload } from "./support/whatsapp.js";

/**
 * Issue 10, item 4: the server key file sits beside the database. Someone who takes both, but
 * no staff member's key, must not learn who wrote: no Telegram chat id, WhatsApp or phone number,
 * Telegram username, not in a contact, a questionnaire in progress, a reply that was never
 * delivered, nor through a fast keyed hash he can recompute for every possible id.
 */
let h: Harness;
beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

const TG_QUIZ = 700400111; // stops halfway through the questionnaire
const TG_FAIL = 700400222; // shares his phone; the reply to him is never delivered
const USERNAME = "ivan_hidden_handle";
const PHONE = "79995550101";
const WA = "79995550202";
const NEEDLES = [String(TG_QUIZ), String(TG_FAIL), USERNAME, PHONE, WA];
const PURPOSES: ServerKeyPurpose[] = ["totp", "audit", "index", "ratelimit", "csrf", "channels"];

let seq = 0;
function tg(fromId: number, body: Record<string, unknown>, kind: "message" | "callback_query" = "message") {
  seq++;
  const from = { id: fromId, is_bot: false, first_name: "Тест", ...(fromId === TG_FAIL ? { username: USERNAME } : {}) };
  const chat = { id: fromId, type: "private" };
  const date = Math.floor(h.clock.now().getTime() / 1000);
  if (kind === "callback_query") return { update_id: 930000000 + seq, callback_query: { id: `kf${seq}`, from, message: { message_id: seq, chat, date }, chat_instance: "1", ...body } };
  return { update_id: 930000000 + seq, message: { message_id: seq, from, chat, date, ...body } };
}

/** Everything in the database as text, each bytea as \x-hex (row_to_json), table by table. */
async function dump(): Promise<Map<string, Record<string, unknown>[]>> {
  const tables = (await h.ctx.database.executeSql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).rows.map((r) => String(r.table_name));
  const out = new Map<string, Record<string, unknown>[]>();
  for (const t of tables) out.set(t, (await h.ctx.database.executeSql(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).rows.map((r) => JSON.parse(String(r.j)) as Record<string, unknown>));
  return out;
}

/** What the attacker opens with the key file: every bytea value tried under every sub-key, with every id of its row as context. */
function openEverything(tables: Map<string, Record<string, unknown>[]>): { opened: string[]; dialogsOpened: number } {
  const opened: string[] = [];
  let dialogsOpened = 0;
  for (const [table, rows] of tables) {
    for (const row of rows) {
      const ids = Object.values(row).filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/.test(v));
      for (const v of Object.values(row)) {
        if (typeof v !== "string" || !v.startsWith("\\x")) continue;
        const bytes = Buffer.from(v.slice(2), "hex");
        for (const p of PURPOSES) {
          for (const id of ids) {
            try {
              opened.push(openWithServerKey(h.ctx.keys.subkey(p), bytes, `${table}:${id}`).toString("utf8"));
              if (table === "channel_dialogs") dialogsOpened++;
            } catch {
              // not sealed under this key and context
            }
          }
        }
      }
    }
  }
  return { opened, dialogsOpened };
}

/** The fast keyed hashes the old code stored, recomputed for an id (what a brute force over every id would match). */
function fastHashes(kind: string, value: string): string[] {
  const out = Buffer.alloc(16);
  sodium.crypto_generichash(out, Buffer.from(`safe-passage/blind-index/v1/${kind}\0${value}`, "utf8"), h.ctx.keys.subkey("index"));
  const botId = BOT_TOKEN.split(":")[0]!;
  return [out.subarray(0, 8).toString("hex"), channelKey(h.ctx, "chat", kind.startsWith("telegram") ? "telegram" : "whatsapp", value).toString("hex"), channelKey(h.ctx, "telegram-message", botId, value, 1).toString("hex")];
}

describe("the key file and the database, without any staff key", () => {
  beforeAll(async () => {
    // A questionnaire left halfway: one answer given, the next question waiting.
    await postUpdate(h, tg(TG_QUIZ, { text: "/start" }));
    await postUpdate(h, tg(TG_QUIZ, { data: "menu:questionnaire" }, "callback_query"));
    await postUpdate(h, tg(TG_QUIZ, { data: "group:2" }, "callback_query"));
    // A Telegram applicant with a username who shares his own phone number; the reply to him fails.
    await postUpdate(h, tg(TG_FAIL, { text: "Здравствуйте" }));
    await postUpdate(h, tg(TG_FAIL, { contact: { phone_number: `+${PHONE}`, first_name: "Тест", user_id: TG_FAIL } }));
    // A WhatsApp applicant; one reply to him delivered, one refused by Meta.
    await postWhatsApp(h, waPayload(WA, { id: "wamid.KF1", timestamp: String(Math.floor(h.clock.now().getTime() / 1000)), type: "text", text: { body: "Добрый день" } }));
    await drain(h);
    const [tgCase] = await caseIdOf(h, "telegram_id", String(TG_FAIL));
    const [waCase] = await caseIdOf(h, "whatsapp", `+${WA}`);
    h.api.failNext({ match: (r) => r.path.endsWith("/sendMessage") && r.body?.chat_id === TG_FAIL, status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" } });
    h.api.failNext({ match: (r) => r.path.endsWith("/messages"), status: 400, body: { error: { code: 131026, message: "undeliverable" } } });
    expect((await h.op.request("POST", `/api/cases/${tgCase}/replies`, { text: "Ответ, который не дойдёт" })).statusCode).toBe(201);
    expect((await h.op.request("POST", `/api/cases/${waCase}/replies`, { text: "Тоже не дойдёт" })).statusCode).toBe(201);
    expect((await h.op.request("POST", `/api/cases/${waCase}/replies`, { text: "А этот дойдёт" })).statusCode).toBe(201);
    await drain(h);
  });

  it("the situation is the one to test: a questionnaire in progress and undelivered replies exist", async () => {
    expect(await h.ctx.db.select().from(channelDialogs)).toHaveLength(1);
    const states = (await h.ctx.db.select({ state: channelOutbox.state }).from(channelOutbox)).map((r) => r.state);
    expect(states.filter((s) => s === "failed")).toHaveLength(2);
    expect(h.api.delivered().some((c) => c.body?.chat_id === TG_QUIZ)).toBe(true); // the ids really went through this server
  });

  it("opening every sealed value with every sub-key of the key file reveals no chat id, number or username", async () => {
    const tables = await dump();
    const { opened, dialogsOpened } = openEverything(tables);
    expect(dialogsOpened).toBe(0); // the answers so far need the applicant's own identity
    const text = [...tables.values()].map((rows) => JSON.stringify(rows)).join("\n");
    for (const n of NEEDLES) {
      for (const p of opened) expect(p).not.toContain(n);
      expect(text).not.toContain(n);
      expect(text).not.toContain(Buffer.from(n).toString("hex"));
    }
  });

  it("no fast keyed hash of an id is stored: trying every id with the key file matches nothing", async () => {
    const text = JSON.stringify([...(await dump()).values()]);
    const hashes = [...fastHashes("telegram_id", String(TG_QUIZ)), ...fastHashes("telegram_id", String(TG_FAIL)), ...fastHashes("phone", `+${PHONE}`), ...fastHashes("whatsapp", `+${WA}`), ...fastHashes("whatsapp", WA)];
    for (const x of hashes) expect(text).not.toContain(x);
  });

  it("each guess against a stored identity index costs an Argon2id run", async () => {
    const key = h.ctx.keys.subkey("index");
    const start = process.hrtime.bigint();
    const guess = await blindIndexAsync(key, "telegram_id", String(TG_QUIZ));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(JSON.stringify([...(await dump()).values()])).toContain(guess!); // the right guess is confirmed (that is what an index is)
    expect(ms).toBeGreaterThan(3);
  });
});
