import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createStaff, type StaffClient } from "../../support/staff.js";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { recordIntake } from "../../../src/server/cases/intake.js";
import { appendInboundMessage } from "../../../src/server/cases/index.js";
import { auditLog, cases } from "../../../src/server/db/schema.js";
import { allow, type Resource } from "../../../src/server/policy.js";
import { capabilitiesOf } from "../../../src/server/auth/capabilities.js";
import { CONSOLE_PERMISSIONS, sessionInfoSchema } from "../../../src/shared/api/auth.js";
import { auditPageSchema } from "../../../src/shared/api/audit.js";
import { inboxPageSchema } from "../../../src/shared/api/cases.js";
import { ROLES } from "../../../src/shared/roles.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import uk from "../../../src/web/i18n/uk.json" with { type: "json" };
import en from "../../../src/web/i18n/en.json" with { type: "json" };

/**
 * The console's contract with the server: capabilities from the policy table, inbox rows with who
 * and the last message only for key holders, search totals, the audit page's filters and CSV,
 * pending invitations. Through real HTTP, as each role.
 */

let ctx: AppContext;
let app: BaseApp;
let store: StaffedStore<"op.contract" | "sup.contract">;
let admin: StaffClient;
let op: StaffClient;
let supervisor: StaffClient;
let clock: StaffedStore<never>["clock"];

const NAME = "Кравцов Игорь Петрович";
const MESSAGE = "Добрый вечер, я с товарищем хочу сдаться, мы под Токмаком";

beforeAll(async () => {
  store = await staffedStore({ staff: { "op.contract": "operator", "sup.contract": "supervisor" } });
  ({ ctx, app, clock, admin } = store);
  op = store.staff["op.contract"];
  supervisor = store.staff["sup.contract"];
}, 180_000);
afterAll(async () => store.close());

describe("session capabilities", () => {
  it("are exactly the policy table's grants, for every role", () => {
    for (const role of ROLES) {
      const caps = capabilitiesOf(role);
      for (const p of CONSOLE_PERMISSIONS) {
        const [resource, action] = p.split(".") as [Resource, string];
        const grant = allow(role, resource, action as never);
        expect(caps[p], `${role} ${p}`).toBe(grant === false ? undefined : grant);
      }
    }
  });

  it("come with the session answer, so the console keeps no copy of the rules", async () => {
    for (const [who, role] of [[op, "operator"], [supervisor, "supervisor"], [admin, "admin"]] as const) {
      const r = await who.request("GET", "/api/auth/session");
      expect(r.statusCode).toBe(200);
      const s = sessionInfoSchema.parse(r.json());
      expect(s.user.role).toBe(role);
      expect(s.capabilities).toEqual(capabilitiesOf(role));
    }
    // The drift the issue found: a supervisor may list cases but not read one.
    const sup = sessionInfoSchema.parse((await supervisor.request("GET", "/api/auth/session")).json());
    expect(sup.capabilities["case.list"]).toBe("all");
    expect(sup.capabilities["case.read"]).toBeUndefined();
  });
});

describe("inbox rows", () => {
  it("show who and the last message to a key holder only, audit that read without values, and hide finished cases by default", async () => {
    const named = await recordIntake(ctx, { channel: "web", sections: { identity: { name: NAME } }, message: MESSAGE, identifiers: {} });
    const anonymous = await recordIntake(ctx, { channel: "telegram", sections: {}, message: "  Здравствуйте   помогите пожалуйста выйти отсюда живым, очень прошу  ", identifiers: {} });
    const finished = await recordIntake(ctx, { channel: "web", sections: {}, message: "старое", identifiers: {} });
    await ctx.db.update(cases).set({ state: "closed" }).where(eq(cases.id, finished.caseId));

    const before = (await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.inbox_read"))).length;
    const r = await op.request("GET", "/api/cases");
    expect(r.statusCode, r.body).toBe(200);
    const items = inboxPageSchema.parse(r.json()).items;
    const row = (id: string) => items.find((c) => c.id === id);
    expect(row(named.caseId)?.who).toBe(NAME);
    expect(row(named.caseId)?.preview).toEqual({ direction: "in", text: MESSAGE });
    // No name: the first words of his last message.
    expect(row(anonymous.caseId)?.who).toBe("Здравствуйте помогите пожалуйста выйти отсюда");
    expect(row(finished.caseId)).toBeUndefined();

    const reads = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.inbox_read")).orderBy(auditLog.seq);
    expect(reads.length).toBe(before + 1);
    const last = reads.at(-1)!;
    expect(last.actorId).toBe(op.userId);
    expect(String(last.details.ids)).toContain(named.caseId);
    expect(JSON.stringify(reads.map((x) => x.details))).not.toMatch(/Кравцов|Токмак|помогите/);
    const closed = inboxPageSchema.parse((await op.request("GET", "/api/cases?state=closed")).json()).items;
    expect(closed.map((c) => c.id)).toContain(finished.caseId);

    // The supervisor's list is the same cases with nothing decrypted, and his read is not audited as one.
    const supReads = reads.filter((x) => x.actorId === supervisor.userId).length;
    const sup = inboxPageSchema.parse((await supervisor.request("GET", "/api/cases")).json()).items;
    const supRow = sup.find((c) => c.id === named.caseId);
    expect(supRow).toBeDefined();
    expect(supRow?.who).toBeNull();
    expect(supRow?.preview).toBeNull();
    expect(JSON.stringify(sup)).not.toMatch(/Кравцов|Токмак|помогите/);
    const after = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.inbox_read"));
    expect(after.filter((x) => x.actorId === supervisor.userId).length).toBe(supReads);
  });
});

describe("inbox read audit", () => {
  it("is written once per change of what was read, not on every refetch", async () => {
    const reader = await createStaff(app, ctx, admin, "operator", "op.polling", clock);
    const mine = () => ctx.db.select().from(auditLog).where(eq(auditLog.action, "case.inbox_read")).then((rows) => rows.filter((x) => x.actorId === reader.userId));
    const c = await recordIntake(ctx, { channel: "web", sections: { identity: { name: NAME } }, message: "первое", identifiers: {} });
    expect((await reader.request("GET", "/api/cases")).statusCode).toBe(200);
    expect((await reader.request("GET", "/api/cases")).statusCode).toBe(200);
    expect(await mine()).toHaveLength(1);
    // A new message in a case he reads is a new read: one more row, and again only one.
    const [row] = await ctx.db.select().from(cases).where(eq(cases.id, c.caseId));
    await ctx.db.transaction((tx) => appendInboundMessage(ctx, tx, { caseId: c.caseId, casePublicKey: row!.publicKey!, channel: "web", text: "второе", at: ctx.now() }));
    const third = inboxPageSchema.parse((await reader.request("GET", "/api/cases")).json()).items;
    expect(third.find((x) => x.id === c.caseId)?.preview).toEqual({ direction: "in", text: "второе" });
    await reader.request("GET", "/api/cases");
    const rows = await mine();
    expect(rows).toHaveLength(2);
    expect(String(rows[1]!.details.ids)).toContain(c.caseId);
  });
});

describe("search", () => {
  it("says how many matched and pages past the first page", async () => {
    for (let i = 0; i < 3; i++) await recordIntake(ctx, { channel: "whatsapp", sections: {}, message: `wa ${i}`, identifiers: {} });
    const first = await op.request("GET", "/api/cases/search?channel=whatsapp&limit=2");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers["x-total-count"]).toBe("3");
    expect(first.json()).toHaveLength(2);
    const second = await op.request("GET", "/api/cases/search?channel=whatsapp&limit=2&offset=2");
    expect(second.headers["x-total-count"]).toBe("3");
    expect(second.json()).toHaveLength(1);
    expect(second.json()[0].id).not.toBe(first.json()[0].id);
    expect((await op.request("GET", "/api/cases/search?channel=whatsapp&offset=-1")).statusCode).toBe(400);
  });
});

describe("audit page", () => {
  it("reads newest first, filters by actor, action, case and day, and refuses those who may not read it", async () => {
    const c = await recordIntake(ctx, { channel: "web", sections: { identity: { name: "Аудитов" } }, message: "для журнала", identifiers: {} });
    const number = (await ctx.db.select({ n: cases.number }).from(cases).where(eq(cases.id, c.caseId)))[0]!.n;
    expect((await op.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(200);

    const all = auditPageSchema.parse((await admin.request("GET", "/api/audit?limit=50")).json());
    const seqs = all.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const opened = auditPageSchema.parse((await admin.request("GET", `/api/audit?action=case.opened&caseNumber=${number}`)).json()).items;
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ actorId: op.userId, actorName: expect.any(String), subjectId: c.caseId, caseNumber: number });

    const byActor = auditPageSchema.parse((await supervisor.request("GET", `/api/audit?actor=${op.userId}&limit=500`)).json()).items;
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actorId === op.userId)).toBe(true);
    const group = auditPageSchema.parse((await admin.request("GET", "/api/audit?action=staff&limit=500")).json()).items;
    expect(group.length).toBeGreaterThan(0);
    expect(group.every((e) => e.action.startsWith("staff."))).toBe(true);

    const today = ctx.now().toISOString().slice(0, 10);
    expect(auditPageSchema.parse((await admin.request("GET", `/api/audit?from=${today}&to=${today}`)).json()).items.length).toBeGreaterThan(0);
    expect(auditPageSchema.parse((await admin.request("GET", "/api/audit?to=2000-01-01")).json()).items).toEqual([]);

    // Paging: `before` continues where the page stopped, with no overlap.
    const p1 = auditPageSchema.parse((await admin.request("GET", "/api/audit?limit=3")).json());
    const p2 = auditPageSchema.parse((await admin.request("GET", `/api/audit?limit=3&before=${p1.nextBefore}`)).json());
    expect(Math.max(...p2.items.map((e) => e.seq))).toBeLessThan(Math.min(...p1.items.map((e) => e.seq)));

    for (const bad of ["actor=nope", "action=DROP%20TABLE", "caseNumber=abc", "from=yesterday"]) {
      expect((await admin.request("GET", `/api/audit?${bad}`)).statusCode, bad).toBe(400);
      expect((await admin.request("GET", `/api/audit/export.csv?${bad}`)).statusCode, bad).toBe(400);
    }
    expect((await admin.request("GET", "/api/audit?before=0")).statusCode).toBe(400);
    expect((await op.request("GET", "/api/audit")).statusCode).toBe(403);
    expect((await op.request("GET", "/api/audit/export.csv")).statusCode).toBe(403);
  });

  it("exports the same filtered rows as CSV, and records the export", async () => {
    const page = auditPageSchema.parse((await admin.request("GET", `/api/audit?actor=${op.userId}&limit=500`)).json()).items;
    const r = await admin.request("GET", `/api/audit/export.csv?actor=${op.userId}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/csv/);
    expect(r.headers["content-disposition"]).toMatch(/^attachment; filename="audit-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = r.body.trim().split("\n");
    expect(lines[0]).toBe("seq,at,actor_id,actor_name,action,subject_type,subject_id,case_number,details");
    expect(lines.length - 1).toBe(page.length);
    expect(lines.slice(1).map((l) => Number(l.split(",")[0]))).toEqual(page.map((e) => e.seq));
    const exported = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "audit.exported"));
    expect(exported.at(-1)).toMatchObject({ actorId: admin.userId, details: { actor: op.userId } });
  });
});

describe("pending invitations", () => {
  it("are listed without their links and can be withdrawn, after which the link is dead", async () => {
    const made = await admin.request("POST", "/api/staff/invitations", { role: "verifier", username: "will.withdraw" });
    expect(made.statusCode).toBe(201);
    const { id, link } = made.json() as { id: string; link: string };
    const token = /#token=([A-Za-z0-9_-]+)/.exec(link)![1]!;

    const list = await admin.request("GET", "/api/staff/invitations");
    expect(list.statusCode).toBe(200);
    const mine = (list.json() as { id: string; username: string; createdByName: string }[]).find((i) => i.id === id);
    expect(mine).toMatchObject({ username: "will.withdraw", role: "verifier" });
    expect(list.body).not.toContain(token);

    // Others may neither see nor withdraw invitations.
    expect((await op.request("GET", "/api/staff/invitations")).statusCode).toBe(403);
    expect((await supervisor.request("DELETE", `/api/staff/invitations/${id}`)).statusCode).toBe(403);

    expect((await admin.request("DELETE", `/api/staff/invitations/${id}`)).statusCode).toBe(204);
    // The attack: use the withdrawn link anyway.
    const inspect = await app.inject({ method: "POST", url: "/api/setup/inspect", payload: { token } });
    expect(inspect.statusCode).toBe(404);
    const accept = await app.inject({ method: "POST", url: "/api/setup/accept", payload: { token, username: "will.withdraw", displayName: "X", password: "a long enough password" } });
    expect(accept.statusCode).toBe(404);
    expect((await admin.request("DELETE", `/api/staff/invitations/${id}`)).statusCode).toBe(404);
    expect((await admin.request("GET", "/api/staff/invitations")).json().some((i: { id: string }) => i.id === id)).toBe(false);
    const audit = await ctx.db.select().from(auditLog).where(eq(auditLog.action, "staff.invitation_revoked"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.userId, subjectId: id });
  });
});

describe("audit action labels", () => {
  it("every action the server writes has a label in Ukrainian and English", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(path.resolve(import.meta.dirname, "../../../src/server"));
    const actions = new Set<string>();
    for (const f of files) {
      const src = fs.readFileSync(f, "utf8");
      // action: "x.y" and the conditional forms `? "x.y" : "x.z"` next to an action key.
      for (const m of src.matchAll(/action:\s*([^,}\n]+)/g)) for (const s of m[1]!.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) actions.add(s[1]!);
      // And the capability helpers that take the action as their fourth argument (auditOperation…).
      for (const m of src.matchAll(/\baudit[A-Z]\w*\(ctx, \w+, [^,]+, "([a-z_]+\.[a-z_]+)"/g)) actions.add(m[1]!);
    }
    expect(actions.size).toBeGreaterThan(30);
    const has = (cat: typeof uk, a: string) => {
      const [group, name] = a.split(".") as [string, string];
      return typeof (cat.audit.actions as Record<string, Record<string, string>>)[group]?.[name] === "string";
    };
    expect([...actions].filter((a) => !has(uk, a)), "missing in uk.json").toEqual([]);
    expect([...actions].filter((a) => !has(en as typeof uk, a)), "missing in en.json").toEqual([]);
  });
});
