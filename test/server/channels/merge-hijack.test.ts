import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { caseGrants, cases } from "../../../src/server/db/schema.js";
import { channelContacts } from "../../../src/server/channels/tables.js";
import { texts } from "../../../src/server/channels/telegram/catalog.js";
import { applicantCookie, get, post, receiptCodeOf } from "../intake/helpers.js";
import { channelHarness, drain, postUpdate, type Harness } from "./support/harness.js";

/**
 * Issue 10, item 1, performed end to end over the real routes. A fake applicant types his
 * victim's name and phone into the web form; the console suggests the two requests as
 * duplicates; an operator merges the fake into the real case; the attacker then sends his own
 * receipt code to the bot. Before the fix, his Telegram became a contact of the victim's case,
 * the victim's replies went to his chat, and the victim's case key was sealed to his applicant
 * key. The recorder (standing for Telegram) shows whose chat each reply reached.
 */
let h: Harness;
beforeAll(async () => {
  process.env.INTAKE_FLOOD_MODE = "off";
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

const VICTIM_TG = 700200100;
const ATTACKER_TG = 700200666;
let seq = 0;
function tgText(fromId: number, text: string) {
  seq++;
  const from = { id: fromId, is_bot: false, first_name: "Олег", language_code: "ru" };
  return { update_id: 920000000 + seq, message: { message_id: seq, from, chat: { id: fromId, first_name: "Олег", type: "private" }, date: Math.floor(h.clock.now().getTime() / 1000), text } };
}

async function webRequest(message: string) {
  const r = await post(h.pub, "/request", { name: "Сидоренко Олег Петрович", phone: "+7 999 123 45 67", contact: "phone", message });
  expect(r.statusCode, (r.body.match(/class="err[^"]*"[^>]*>[^<]*/g) ?? []).join(" | ")).toBe(201);
  const [row] = await h.ctx.db.select({ id: cases.id }).from(cases).orderBy(cases.number).limit(1).offset((await h.ctx.db.select({ id: cases.id }).from(cases)).length - 1);
  return { code: receiptCodeOf(r), caseId: row!.id };
}

const chatOf = (c: { body: Record<string, unknown> | null }) => c.body?.chat_id;

describe("a fake applicant merged into a real case", () => {
  it("never receives the real applicant's replies, grants or thread", async () => {
    // The real applicant: web request, then his own Telegram linked with his own code.
    const victim = await webRequest("Я настоящий. Хочу сдаться.");
    await postUpdate(h, tgText(VICTIM_TG, victim.code));
    // The attacker: the same typed name and phone, his own code.
    const fake = await webRequest("Это я, Олег. Напишите мне в Telegram.");

    // The console suggests the duplicate, and an operator merges the fake into the real case.
    const dups = (await h.op.request("GET", `/api/cases/${fake.caseId}/duplicates`)).json() as { id: string }[];
    expect(dups.map((d) => d.id)).toContain(victim.caseId);
    const merged = await h.op.request("POST", `/api/cases/${fake.caseId}/merge`, { into: victim.caseId, reason: "то же имя и телефон" });
    expect(merged.statusCode).toBe(200);

    // The attacker sends his receipt code to the bot, then writes.
    await postUpdate(h, tgText(ATTACKER_TG, fake.code));
    await postUpdate(h, tgText(ATTACKER_TG, "жду ответа"));
    await drain(h);

    // Staff answer the real case, with the meeting place.
    const reply = "CANARY-RDVZ0001X Встреча завтра в 6:00 у водонапорной башни";
    expect((await h.op.request("POST", `/api/cases/${victim.caseId}/replies`, { text: reply })).statusCode).toBe(201);
    await drain(h);

    const sent = h.api.telegram("sendMessage");
    // The reply reached the real applicant's chat, once, and nothing of it reached the attacker's.
    expect(sent.filter((c) => c.body?.text === reply).map(chatOf)).toEqual([VICTIM_TG]);
    expect(sent.filter((c) => chatOf(c) === ATTACKER_TG).map((c) => c.body?.text)).not.toContainEqual(expect.stringContaining("CANARY-RDVZ0001X"));
    // The bot answered his code as it answers any right code, and linked him to his own old case only.
    expect(sent.filter((c) => chatOf(c) === ATTACKER_TG).map((c) => c.body?.text)).toContain(texts.link.linked);
    const contacts = await h.ctx.db.select({ caseId: channelContacts.caseId }).from(channelContacts).where(eq(channelContacts.channel, "telegram"));
    expect(contacts.map((c) => c.caseId).filter((id) => id === victim.caseId)).toHaveLength(1); // the victim's own Telegram only

    // No key of the real case was sealed to the fake applicant's key.
    const grants = await h.ctx.db.select().from(caseGrants).where(and(eq(caseGrants.caseId, victim.caseId), eq(caseGrants.recipientType, "applicant")));
    expect(grants.map((g) => g.recipientId)).toEqual([victim.caseId]);

    // On the site, the attacker's code opens his own old thread and nothing of the real case.
    const back = await post(h.pub, "/return", { code: fake.code });
    expect(back.statusCode).toBe(303);
    const page = await get(h.pub, "/return", { cookie: applicantCookie(back)! });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Это я, Олег. Напишите мне в Telegram.");
    expect(page.body).not.toContain("CANARY-RDVZ0001X");
    expect(page.body).not.toContain("Я настоящий");
    // While the real applicant reads the reply with his own code.
    const own = await post(h.pub, "/return", { code: victim.code });
    expect((await get(h.pub, "/return", { cookie: applicantCookie(own)! })).body).toContain("CANARY-RDVZ0001X");
  });
});
