import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { cases } from "../../../src/server/db/schema.js";
import { signInAgain } from "../../support/staff.js";
import { latestCaseId, post } from "../intake/helpers.js";
import { caseIdOf, channelHarness, drain, postUpdate, update, type Harness } from "../channels/support/harness.js";
import { postWhatsApp, waPayload } from "../channels/support/whatsapp.js";
import { handOver, reviewAs } from "./support.js";

/**
 * Issue 11, point 5, through the real intake paths: a provocation rejected on the web form puts
 * its phone and Telegram username on the watchlist; the same phone writing on WhatsApp and the
 * same Telegram account writing to the bot a week later are flagged to verifiers, and only to them.
 */
let h: Harness<"ver1" | "ver2">;
beforeAll(async () => {
  h = await channelHarness({}, { ver1: "verifier", ver2: "verifier" });
}, 300_000);
afterAll(async () => h?.cleanup());

const WA_ID = "380675551234"; // the wa_id WhatsApp sends: the phone's digits
const TG_USER = 700955501;
const TG_USERNAME = "prov_test_55";

type Hit = { caseId: string; kind: string; reasonCode: string };

describe("a provocation from the web form is flagged on the other channels", { timeout: 300_000 }, () => {
  it("WhatsApp at once, the bot a week later; an unrelated contact and the operator see no flag", async () => {
    const r = await post(h.pub, "/request", { name: "Сидоров Семён", phone: "+380 67 555 12 34", telegram: `@${TG_USERNAME}`, message: "Где вы встречаете? Какие у вас точки?" });
    expect(r.statusCode).toBe(201);
    const web = await latestCaseId(h.ctx);
    await handOver(h.op, web);
    expect((await reviewAs(h.people.ver1, web, "rejected", "provocation")).json()).toEqual({ stage: "second" });
    expect((await reviewAs(h.people.ver2, web, "rejected", "provocation")).json()).toEqual({ stage: "decided" });
    expect((await h.ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, web)))[0]!.state).toBe("rejected");

    // The same phone on WhatsApp (the documented Cloud API payload, signed with the app secret).
    const at = () => String(Math.floor(h.clock.now().getTime() / 1000));
    expect((await postWhatsApp(h, waPayload(WA_ID, { id: "wamid.prov1", type: "text", text: { body: "Здравствуйте" }, timestamp: at() }))).json()).toEqual({ ok: true });
    expect((await postWhatsApp(h, waPayload("380500000001", { id: "wamid.other1", type: "text", text: { body: "Добрый день" }, timestamp: at() }))).json()).toEqual({ ok: true });
    await drain(h);
    const wa = (await caseIdOf(h, "whatsapp", `+${WA_ID}`)).filter((id) => id !== web);
    const other = (await caseIdOf(h, "whatsapp", "+380500000001"))[0]!;
    expect(wa).toHaveLength(1);
    const hits = async () => (await h.people.ver1.request("GET", "/api/verification/hits")).json() as Hit[];
    // One hit per identity kind that matched (the WhatsApp number is also a phone number).
    const waHits = (await hits()).filter((x) => x.caseId === wa[0]);
    expect(waHits.map((x) => x.kind)).toContain("whatsapp");
    expect(waHits.every((x) => x.reasonCode === "provocation")).toBe(true);

    // A week later (test clock) his Telegram account writes to the bot.
    h.clock.tick(7 * 24 * 3_600_000);
    const u = update(TG_USER, { text: "Привет, я по поводу сдачи" }, "message", h.clock.now()) as { message: { from: Record<string, unknown> } };
    u.message.from.username = TG_USERNAME;
    expect((await postUpdate(h, u)).statusCode).toBe(200);
    await drain(h);
    const tg = (await caseIdOf(h, "telegram_id", String(TG_USER)))[0]!;
    // A week is longer than any session: the verifier and the operator sign in again.
    h.people.ver1 = await signInAgain(h.people.ver1, h.clock);
    const op = await signInAgain(h.op, h.clock);
    const later = await hits();
    const tgHits = later.filter((x) => x.caseId === tg);
    expect(tgHits.map((x) => x.kind)).toEqual(["telegram_username"]);
    expect(tgHits[0]!.reasonCode).toBe("provocation");
    expect(later.some((x) => x.caseId === other)).toBe(false);
    // The operator learns only that a request needs verification, never why.
    expect((await op.request("GET", "/api/verification/hits")).statusCode).toBe(403);
    expect((await op.request("GET", `/api/cases/${tg}`)).body).not.toMatch(/provocation|watchlist|провокац/i);
  });
});
