import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { TEST_USER_AGENT, type advancingClock, type StaffClient } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { appendInboundMessage } from "../../../src/server/cases/inbound.js";
import { resolveMerged } from "../../../src/server/cases/merge.js";
import { auditLog, blindIndexes, cases } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let ctx: AppContext;
let app: BaseApp;
let admin: StaffClient;
let op1: StaffClient;
let op2: StaffClient;
let verifier: StaffClient;
let supervisor: StaffClient;
let clock: ReturnType<typeof advancingClock>;

type Summary = { id: string; number: number; state: string; overdue: boolean; dueAt: string | null; unreadCount: number; mergedInto: string | null };

const intake = (o: { name?: string; phone?: string; service?: string; telegram?: string; channel?: "web" | "telegram" | "whatsapp"; message?: string; receipt?: boolean } = {}) =>
  recordIntake(ctx, {
    channel: o.channel ?? "web",
    sections: { identity: { name: o.name ?? "Сидоров Алексей" }, contact: { phone: o.phone ?? "" }, questionnaire: { group: 1 } },
    ...(o.message !== undefined ? { message: o.message } : { message: "Хочу сдаться" }),
    identifiers: { ...(o.name ? { name: o.name } : {}), ...(o.phone ? { phone: o.phone } : {}), ...(o.service ? { service_number: o.service } : {}), ...(o.telegram ? { telegram_username: o.telegram } : {}) },
    ...(o.receipt ? { receipt: "digits" as const } : {}),
  });

const inbox = async (who: StaffClient, query = ""): Promise<Summary[]> => {
  const r = await who.request("GET", `/api/cases${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
};

let store: StaffedStore<"op1" | "op2" | "ver1" | "sup1">;
beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", op2: "operator", ver1: "verifier", sup1: "supervisor" } });
  ({ ctx, app, admin, clock } = store);
  ({ op1, op2, ver1: verifier, sup1: supervisor } = store.staff);
});
afterAll(() => store.close());

describe("inbox and response times", () => {
  it("lists waiting cases first, overdue at the top, and pages with a cursor", async () => {
    const old = await intake({ message: "давно жду" });
    clock.tick(20 * 60_000); // 20 minutes: past the 5-minute first-response target
    const answered = await intake({ message: "ответили" });
    expect((await op1.request("POST", `/api/cases/${answered.caseId}/replies`, { text: "Здравствуйте" })).statusCode).toBe(201);
    clock.tick(60_000);
    const fresh = await intake({ message: "только что" });
    const rows = await inbox(op1);
    const pos = (id: string) => rows.findIndex((r) => r.id === id);
    expect(rows[pos(old.caseId)]!.overdue).toBe(true);
    expect(rows[pos(fresh.caseId)]!.overdue).toBe(false);
    expect(rows[pos(answered.caseId)]!.dueAt).toBeNull();
    expect(pos(old.caseId)).toBeLessThan(pos(fresh.caseId));
    expect(pos(fresh.caseId)).toBeLessThan(pos(answered.caseId));
    expect((await inbox(op1, "?overdue=true")).map((r) => r.id)).toContain(old.caseId);
    expect((await inbox(op1, "?overdue=true")).map((r) => r.id)).not.toContain(fresh.caseId);

    // Keyset pages of one: every case once, in the same order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await op1.request("GET", `/api/cases?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...r.json().items.map((c: Summary) => c.id));
      cursor = r.json().nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen).toEqual(rows.map((r) => r.id));
    expect((await op1.request("GET", "/api/cases?cursor=bm9wZQ")).statusCode).toBe(400);

    const counts = (await op1.request("GET", "/api/cases/counts")).json();
    expect(counts.overdue).toBeGreaterThanOrEqual(1);
    expect(counts.awaiting).toBeGreaterThanOrEqual(2);
  });

  it("the applicant's next message makes the case wait for a next response", async () => {
    const r = await intake();
    await op1.request("POST", `/api/cases/${r.caseId}/replies`, { text: "Ждите" });
    expect((await inbox(op1)).find((c) => c.id === r.caseId)!.dueAt).toBeNull();
    clock.tick(1000);
    const [row] = await ctx.db.select().from(cases).where(eq(cases.id, r.caseId));
    await ctx.db.transaction((tx) => appendInboundMessage(ctx, tx, { caseId: r.caseId, casePublicKey: row!.publicKey!, channel: "web", text: "А когда?", at: ctx.now() }));
    const c = (await inbox(op1)).find((x) => x.id === r.caseId)!;
    expect(new Date(c.dueAt!).getTime()).toBe(ctx.now().getTime() + 15 * 60_000);
  });

  it("response targets are settings an administrator changes", async () => {
    expect((await op1.request("PUT", "/api/settings/sla", { firstResponseMinutes: 1, nextResponseMinutes: 2 })).statusCode).toBe(403);
    expect((await admin.request("PUT", "/api/settings/sla", { firstResponseMinutes: 0, nextResponseMinutes: 2 })).statusCode).toBe(400);
    expect((await admin.request("PUT", "/api/settings/sla", { firstResponseMinutes: 3, nextResponseMinutes: 10 })).json()).toEqual({ firstResponseMinutes: 3, nextResponseMinutes: 10 });
    const r = await intake();
    const c = (await inbox(op1)).find((x) => x.id === r.caseId)!;
    expect(new Date(c.dueAt!).getTime()).toBe(ctx.now().getTime() + 3 * 60_000);
    await admin.request("PUT", "/api/settings/sla", { firstResponseMinutes: 5, nextResponseMinutes: 15 });
  });

  it("the supervisor sees the queue in numbers and the list without identities, and cannot open a case", async () => {
    const q = await supervisor.request("GET", "/api/cases/queue");
    expect(q.statusCode).toBe(200);
    const intakeNew = q.json().rows.find((r: { teamId: string; state: string }) => r.teamId === "intake" && r.state === "new");
    expect(intakeNew.total).toBeGreaterThan(0);
    expect(intakeNew.overdue).toBeGreaterThan(0);
    const list = await supervisor.request("GET", "/api/cases");
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/Сидоров|Иванов/);
    const id = list.json().items[0].id;
    expect((await supervisor.request("GET", `/api/cases/${id}`)).statusCode).toBe(403);
    // Searching by a name is reading identities: refused.
    expect((await supervisor.request("GET", `/api/cases/search?name=${encodeURIComponent("Сидоров")}`)).statusCode).toBe(403);
    expect((await supervisor.request("GET", "/api/cases/search?state=new")).statusCode).toBe(200);
  });
});

describe("search", () => {
  it("finds by blind-indexed name, phone, service number, Telegram and receipt code, in scope only, audited without values", async () => {
    const a = await intake({ name: "Кузнецов Дмитрий Олегович", phone: "+7 912 345-67-89", service: "АБ-123456", telegram: "@dima_k", receipt: true });
    const find = async (who: StaffClient, q: string) => {
      const r = await who.request("GET", `/api/cases/search?${q}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json().map((c: Summary) => c.id) as string[];
    };
    expect(await find(op1, `name=${encodeURIComponent("дмитрий кузнецов")}`)).toEqual([a.caseId]);
    expect(await find(op1, `name=${encodeURIComponent("Кузнецов")}`)).toContain(a.caseId);
    expect(await find(op1, `phone=${encodeURIComponent("89123456789")}`)).toEqual([a.caseId]);
    expect(await find(op1, `serviceNumber=${encodeURIComponent("аб 123456")}`)).toEqual([a.caseId]);
    expect(await find(op1, `telegram=${encodeURIComponent("DIMA_K")}`)).toEqual([a.caseId]);
    expect(await find(op1, `receipt=${encodeURIComponent(a.receiptCode!.replace(/ /g, ""))}`)).toEqual([a.caseId]);
    expect(await find(op1, `receipt=${encodeURIComponent("1111 2222 3333 4444")}`)).toEqual([]);
    expect(await find(op1, `name=${encodeURIComponent("Кузнецов")}&state=closed`)).toEqual([]);
    // Outside the scope: nothing, as if it did not exist.
    expect(await find(verifier, `phone=${encodeURIComponent("+79123456789")}`)).toEqual([]);
    expect((await op1.request("GET", "/api/cases/search")).statusCode).toBe(400);

    const audits = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.searched"));
    expect(audits.length).toBeGreaterThan(5);
    expect(JSON.stringify(audits.map((x) => x.details))).not.toMatch(/Кузнецов|912|dima|123456/i);
    expect(audits.some((x) => x.details.fields === "phone")).toBe(true);
  });
});

describe("duplicates and merging", () => {
  it("suggests a case sharing a blind index, merges it keeping both histories, and routes the person to the target", async () => {
    const first = await intake({ name: "Морозов Павел", phone: "+7 900 111-22-33", channel: "telegram", message: "Пишу из Телеграма" });
    await op1.request("POST", `/api/cases/${first.caseId}/notes`, { text: "Первое обращение" });
    const second = await intake({ name: "Морозов Павел Андреевич", phone: "+7 (900) 111 22 33", receipt: true, message: "Пишу с сайта" });
    await op1.request("POST", `/api/cases/${second.caseId}/transition`, { to: "preliminary", reason: "данные оставлены" });

    const dups = await op1.request("GET", `/api/cases/${second.caseId}/duplicates`);
    expect(dups.statusCode).toBe(200);
    expect(dups.json()).toEqual([expect.objectContaining({ id: first.caseId, matched: ["phone"] })]);
    // The verifier cannot see either case: no suggestion leaks through.
    expect((await verifier.request("GET", `/api/cases/${second.caseId}/duplicates`)).statusCode).toBe(404);

    expect((await op1.request("POST", `/api/cases/${first.caseId}/merge`, { into: second.caseId, reason: "тот же человек, тот же телефон" })).json()).toEqual({ source: first.caseId, target: second.caseId });
    expect((await op1.request("POST", `/api/cases/${first.caseId}/merge`, { into: second.caseId, reason: "ещё раз" })).statusCode).toBe(409);
    // Handed to verification, the target's new team reads the merged thread too (op1 is assigned, so keeps it).
    expect((await op1.request("POST", `/api/cases/${second.caseId}/assign`, { teamId: "verification", userId: op1.userId })).statusCode).toBe(204);

    for (const who of [op1, verifier]) {
      const c = (await who.request("GET", `/api/cases/${second.caseId}`)).json();
      expect(c.mergedSources).toEqual([{ id: first.caseId, number: expect.any(Number), readable: true }]);
      const bodies = c.messages.map((m: { body: string; caseId: string }) => [m.caseId === first.caseId ? "src" : "tgt", m.body]);
      expect(bodies).toEqual(expect.arrayContaining([["src", "Пишу из Телеграма"], ["tgt", "Пишу с сайта"]]));
      expect(c.events.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["transition", "merged_into", "merged_from"]));
      expect(c.events.find((e: { kind: string }) => e.kind === "merged_from").reason).toBe("тот же человек, тот же телефон");
    }
    // Once merged, nothing is suggested any more: neither the case itself nor the merged one.
    expect((await op1.request("GET", `/api/cases/${second.caseId}/duplicates`)).json()).toEqual([]);
    const src = (await op1.request("GET", `/api/cases/${first.caseId}`)).json();
    expect(src.state).toBe("merged");
    expect(src.mergedInto).toBe(second.caseId);

    // Channels that still hold the old case land in the target.
    expect(await resolveMerged(ctx.db, first.caseId)).toBe(second.caseId);
    const [row] = await ctx.db.select().from(cases).where(eq(cases.id, first.caseId));
    const r = await ctx.db.transaction((tx) => appendInboundMessage(ctx, tx, { caseId: first.caseId, casePublicKey: row!.publicKey!, channel: "telegram", text: "Я снова тут", at: ctx.now() }));
    expect(r.caseId).toBe(second.caseId);
    const idx = await ctx.db.select().from(blindIndexes).where(and(eq(blindIndexes.caseId, second.caseId), eq(blindIndexes.kind, "phone")));
    expect(idx.length).toBe(1);
    const target = (await verifier.request("GET", `/api/cases/${second.caseId}`)).json();
    expect(target.messages.map((m: { body: string }) => m.body)).toContain("Я снова тут");
    expect((await inbox(op1)).map((c) => c.id)).not.toContain(first.caseId);
    const merged = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.merged"));
    expect(merged.at(-1)!.details).toEqual({ source: first.caseId, target: second.caseId });
  });
});

describe("assignment", () => {
  it("lists assignees, assigns to a person of another team, who then reads the case", async () => {
    const r = await intake();
    const people = (await op1.request("GET", "/api/cases/assignees")).json();
    expect(people.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([op1.userId, verifier.userId]));
    expect(people.map((p: { id: string }) => p.id)).not.toContain(admin.userId);
    expect((await op1.request("POST", `/api/cases/${r.caseId}/assign`, { userId: admin.userId })).statusCode).toBe(404);
    expect((await verifier.request("GET", `/api/cases/${r.caseId}`)).statusCode).toBe(404);
    expect((await op1.request("POST", `/api/cases/${r.caseId}/assign`, { userId: verifier.userId })).statusCode).toBe(204);
    expect((await verifier.request("GET", `/api/cases/${r.caseId}`)).statusCode).toBe(200);
    expect((await inbox(verifier, "?assigned=me")).map((c) => c.id)).toContain(r.caseId);
  });
});

describe("canned replies", () => {
  it("come seeded in Russian, are read by operators and edited by administrators only", async () => {
    const list = (await op1.request("GET", "/api/canned-replies")).json();
    expect(list.length).toBeGreaterThanOrEqual(12);
    expect(list.map((c: { body: string }) => c.body).join(" ")).toMatch(/дрон/);
    expect((await op1.request("POST", "/api/canned-replies", { title: "x", body: "y" })).statusCode).toBe(403);
    const made = await admin.request("POST", "/api/canned-replies", { title: "Тест", body: "Тестовый ответ", position: 999 });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect((await admin.request("PUT", `/api/canned-replies/${id}`, { title: "Тест 2", body: "Другой ответ" })).json().title).toBe("Тест 2");
    expect((await admin.request("DELETE", `/api/canned-replies/${id}`)).statusCode).toBe(204);
    expect((await admin.request("DELETE", `/api/canned-replies/${id}`)).statusCode).toBe(404);
  });
});

describe("teams", () => {
  it("an admin adds a member (admitted by a member of the team) and removes one (key rotated by the next holder online)", async () => {
    const teams = (await admin.request("GET", "/api/teams")).json();
    const intakeTeam = teams.find((t: { id: string }) => t.id === "intake");
    expect(intakeTeam.members.map((m: { username: string }) => m.username)).toEqual(expect.arrayContaining(["op1", "op2"]));
    // The administrator held the intake key in trust only until its founding member came (four eyes, issue 10).
    expect(intakeTeam.members.map((m: { username: string }) => m.username)).not.toContain("admin");
    expect((await op1.request("POST", `/api/teams/verification/members`, { userId: op2.userId })).statusCode).toBe(403);
    expect((await admin.request("POST", `/api/teams/verification/members`, { userId: op2.userId })).statusCode).toBe(204);
    const waiting = (await admin.request("GET", "/api/teams")).json().find((t: { id: string }) => t.id === "verification");
    expect(waiting.members.find((m: { userId: string }) => m.userId === op2.userId).pending).toBe(true);
    expect((await verifier.request("POST", `/api/admissions/verification/${op2.userId}/admit`)).statusCode).toBe(204);
    const after = (await admin.request("GET", "/api/teams")).json().find((t: { id: string }) => t.id === "verification");
    expect(after.members.find((m: { userId: string }) => m.userId === op2.userId).pending).toBe(false);
    expect((await admin.request("POST", `/api/teams/verification/members`, { userId: supervisor.userId })).statusCode).toBe(409);

    const r = await intake();
    await op1.request("POST", `/api/cases/${r.caseId}/assign`, { teamId: "verification" });
    expect((await op2.request("GET", `/api/cases/${r.caseId}`)).statusCode).toBe(200);
    expect((await admin.request("DELETE", `/api/teams/verification/members/${op2.userId}`)).statusCode).toBe(204);
    expect((await verifier.request("GET", "/api/auth/session")).statusCode).toBe(200);
    const v = (await admin.request("GET", "/api/teams")).json().find((t: { id: string }) => t.id === "verification");
    expect(v.keyVersion).toBe(after.keyVersion + 1);
    expect(v.members.map((m: { userId: string }) => m.userId)).not.toContain(op2.userId);
    expect((await op2.request("GET", `/api/cases/${r.caseId}`)).statusCode).toBe(404);
    expect((await verifier.request("GET", `/api/cases/${r.caseId}`)).statusCode).toBe(200);
  });
});

describe("live updates", () => {
  it("streams ids of changed cases in the user's scope only, never content", async () => {
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const open = async (who: StaffClient) => {
      const ac = new AbortController();
      const res = await fetch(`${url}/api/events`, { headers: { cookie: `sp_staff=${who.cookie}`, "user-agent": TEST_USER_AGENT }, signal: ac.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      let text = "";
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        } catch {
          // aborted
        }
      })();
      return { text: () => text, close: () => ac.abort() };
    };
    const opStream = await open(op1);
    const verStream = await open(verifier);
    const r = await intake({ name: "Секретов Секрет", message: "CANARY-LIVE-77" });
    await expect.poll(() => opStream.text(), { timeout: 5000 }).toContain(`"caseId":"${r.caseId}"`);
    expect(opStream.text()).toContain("event: case.created");
    await op1.request("POST", `/api/cases/${r.caseId}/replies`, { text: "ответ CANARY-LIVE-78" });
    await expect.poll(() => opStream.text(), { timeout: 5000 }).toContain("event: case.message");
    await new Promise((res) => setTimeout(res, 200));
    expect(verStream.text()).not.toContain(r.caseId);
    expect(opStream.text()).not.toMatch(/CANARY|Секретов/);
    opStream.close();
    verStream.close();
    expect((await fetch(`${url}/api/events`)).status).toBe(401);
  });
});
