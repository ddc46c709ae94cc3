import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "otpauth";
import { freshContext } from "../../support/store.js";
import { advancingClock, cookieFrom, StaffClient } from "../../support/staff.js";
import { buildStaffApp } from "../../../src/server/app.js";
import { DEMO_PASSWORD, loadDemoData } from "../../../src/server/demo/load.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { REGISTRATION } from "../../../src/server/demo/texts.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

/**
 * The demo's registration stages, as the registrar finds them: through the register and his
 * record over HTTP, signed in with the demo's printed credentials, not by counting rows.
 */
let ctx: AppContext;
let cleanup: () => Promise<void>;
let app: BaseApp;
let clock: ReturnType<typeof advancingClock>;
let summary = "";

interface Copy { printedAt: string | null; sent: { on: string; via: string; note?: string } | null }
interface Card { id: string; reason: string; dueAt: string; status: "sent" | "due" | "overdue"; agency: Copy; family: Copy }
interface Registration { caseId: string; state: string; familyConsent: boolean; cards: Card[]; timeline: { kind: string; date: string; place?: string; health?: string }[] }
interface Entry { caseId: string; number: number; state: string; art17Complete: boolean; nextCard: Card | null; lastSentOn: string | null }

async function signIn(username: string): Promise<StaffClient> {
  const secret = new RegExp(`${username}\\s+\\S+\\s+TOTP secret (\\S+)`).exec(summary)?.[1];
  expect(secret, `no TOTP secret for ${username} in the demo's summary`).toBeTruthy();
  const bytes = Buffer.from(Secret.fromBase32(secret!).bytes);
  clock.tick();
  const r = await app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password: DEMO_PASSWORD, totp: totpCodeAt(bytes, clock.now()) } });
  expect(r.statusCode, r.body).toBe(200);
  const c = new StaffClient(app, cookieFrom(r), r.json().csrfToken, username, bytes, "");
  const me = await c.request("GET", "/api/auth/session");
  return new StaffClient(app, c.cookie, c.csrf, username, bytes, me.json().user.id);
}

let registrar: StaffClient;
let officer: StaffClient;
let registered: Registration[] = [];

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
  clock = advancingClock(ctx);
  summary = await loadDemoData(ctx, { cases: 40 });
  app = await buildStaffApp(ctx);
  registrar = await signIn("registrar1");
  officer = await signIn("resettle1");
  const list = await registrar.request("GET", "/api/registration/register?state=registered_pow");
  expect(list.statusCode, list.body).toBe(200);
  registered = [];
  for (const e of list.json() as Entry[]) {
    const r = await registrar.request("GET", `/api/registration/cases/${e.caseId}`);
    expect(r.statusCode, r.body).toBe(200);
    registered.push(r.json());
  }
}, 600_000);
afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

const now = () => clock.now().getTime();

describe("the demo's registration, as the registrar sees it", () => {
  it("says what it loaded", () => {
    expect(summary).toMatch(/Registration: 5 men registered at every stage \(a card due, one printed but not sent and overdue, .* and 1 waiting to be registered\./);
  });

  it("has a man waiting to be registered, his record not yet complete", async () => {
    const r = await registrar.request("GET", "/api/registration/register?state=handed_over");
    const waiting = r.json() as Entry[];
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.some((e) => !e.art17Complete)).toBe(true);
  });

  it("has a registered man whose card is due, the week still running", async () => {
    const r = await registrar.request("GET", "/api/registration/register?cards=due");
    const due = (r.json() as Entry[]).filter((e) => e.state === "registered_pow");
    expect(due.length).toBeGreaterThan(0);
    const one = registered.find((g) => g.caseId === due[0]!.caseId)!;
    const card = one.cards.find((c) => !c.agency.sent)!;
    expect(card.status).toBe("due");
    expect(Date.parse(card.dueAt)).toBeGreaterThan(now());
  });

  it("has a registered man whose card is overdue, on the overdue list", async () => {
    const r = await registrar.request("GET", "/api/registration/register?cards=overdue");
    const overdue = (r.json() as Entry[]).filter((e) => e.state === "registered_pow");
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue[0]!.nextCard?.status).toBe("overdue");
    const one = registered.find((g) => g.caseId === overdue[0]!.caseId)!;
    expect(one.cards.some((c) => !c.agency.sent && Date.parse(c.dueAt) < now())).toBe(true);
  });

  it("has a registered man whose card was printed but never recorded as sent: still overdue", async () => {
    const r = await registrar.request("GET", "/api/registration/register?cards=overdue");
    const overdue = (r.json() as Entry[]).filter((e) => e.state === "registered_pow" && e.nextCard?.agency.printedAt && !e.nextCard.agency.sent);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue[0]!.nextCard!.status).toBe("overdue");
  });

  it("has a man whose card went out to the agency by post and, on another day, to his family through an ICRC delegate, with a note", () => {
    const sent = registered.filter((g) => g.familyConsent && g.cards.length > 0 && g.cards.every((c) => c.status === "sent" && c.agency.sent && c.family.sent));
    expect(sent.length).toBeGreaterThan(0);
    const one = sent.find((g) => g.cards[0]!.family.sent!.via === "icrc_delegate")!;
    expect(one).toBeDefined();
    expect(one.cards[0]!.agency.sent!.via).toBe("post");
    expect(one.cards[0]!.family.sent!.note).toBe(REGISTRATION.CARD_NOTE);
    expect(one.cards[0]!.family.sent!.on).not.toBe(one.cards[0]!.agency.sent!.on);
  });

  it("has a man with a transfer and a hospital stay, each owing a new card (Art. 70)", () => {
    const moved = registered.find((g) => g.timeline.some((e) => e.kind === "transfer") && g.timeline.some((e) => e.kind === "hospitalisation"));
    expect(moved, "no registered man with a transfer and a hospitalisation").toBeDefined();
    expect(moved!.cards.map((c) => c.reason)).toEqual(expect.arrayContaining(["arrival", "transfer", "hospitalisation"]));
    expect(moved!.timeline.find((e) => e.kind === "hospitalisation")!.health).toBe("seriously_wounded");
    expect(moved!.cards.find((c) => c.reason === "transfer")!.status).toBe("sent");
    expect(moved!.cards.find((c) => c.reason === "hospitalisation")!.status).toBe("due");
  });

  it("has a man with his recorded choice, read by the registrar and the resettlement officer it is sealed to, never in the register", async () => {
    const chosen = [];
    for (const g of registered) {
      const r = await registrar.request("GET", `/api/registration/cases/${g.caseId}/choice`);
      if (r.statusCode === 200) chosen.push({ caseId: g.caseId, choice: r.json() });
      else expect(r.statusCode).toBe(404);
    }
    expect(chosen.length).toBeGreaterThan(0);
    expect(chosen[0]!.choice).toMatchObject({ choice: "stay", words: REGISTRATION.CHOICE_WORDS });
    const theirs = await officer.request("GET", `/api/registration/cases/${chosen[0]!.caseId}/choice`);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(theirs.json().choice).toBe("stay");
    const register = await registrar.request("GET", "/api/registration/register");
    expect(register.body).not.toContain(REGISTRATION.CHOICE_WORDS);
    expect(register.body).not.toMatch(/"choice"|"stay"/);
  });
});
