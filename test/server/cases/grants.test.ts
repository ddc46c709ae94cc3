import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { auditLog, caseGrants } from "../../../src/server/db/schema.js";
import type { AppContext } from "../../../src/server/context.js";

let ctx: AppContext;
let op1: StaffClient;
let op2: StaffClient;
let verifier: StaffClient;

const newCase = async (phone = "+7 911 222-33-44") => (await webCase(ctx, { phone, identifiers: { phone } })).caseId;
const auditOf = (action: string, caseId: string) => ctx.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.subjectId, caseId)));

let store: StaffedStore<"op1" | "op2" | "ver1">;
beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", op2: "operator", ver1: "verifier" } });
  ({ ctx } = store);
  ({ op1, op2, ver1: verifier } = store.staff);
});
afterAll(() => store.close());

describe("access follows the work (issue 10, item 10)", () => {
  it("an unassigned person's session no longer opens the case: his personal grant is gone", async () => {
    const id = await newCase();
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { userId: verifier.userId })).statusCode).toBe(204);
    expect((await verifier.request("GET", `/api/cases/${id}`)).statusCode).toBe(200);
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { userId: null })).statusCode).toBe(204);
    // The same session, the same private key: nothing left to open.
    const attempt = await verifier.request("GET", `/api/cases/${id}`);
    expect(attempt.statusCode).toBe(404);
    expect((await verifier.request("GET", `/api/cases/${id}/attachments`)).statusCode).toBe(404);
    expect((await verifier.request("POST", `/api/cases/${id}/notes`, { text: "я ещё здесь" })).statusCode).toBe(404);
    expect(await ctx.db.select().from(caseGrants).where(and(eq(caseGrants.caseId, id), eq(caseGrants.recipientId, verifier.userId)))).toEqual([]);
    // Replacing an assignee revokes too.
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { userId: verifier.userId })).statusCode).toBe(204);
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { userId: op2.userId })).statusCode).toBe(204);
    expect((await verifier.request("GET", `/api/cases/${id}`)).statusCode).toBe(404);
  });

  it("a hand-over to another team takes away the previous team's grant and the personal ones", async () => {
    const id = await newCase();
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { userId: op2.userId })).statusCode).toBe(204);
    expect((await op1.request("POST", `/api/cases/${id}/assign`, { teamId: "verification" })).statusCode).toBe(204);
    expect((await verifier.request("GET", `/api/cases/${id}`)).statusCode).toBe(200);
    for (const former of [op1, op2]) {
      expect((await former.request("GET", `/api/cases/${id}`)).statusCode).toBe(404);
      expect((await former.request("POST", `/api/cases/${id}/replies`, { text: "ответ" })).statusCode).toBe(404);
    }
    const grants = await ctx.db.select({ type: caseGrants.recipientType, id: caseGrants.recipientId }).from(caseGrants).where(eq(caseGrants.caseId, id));
    expect(grants.filter((g) => g.type !== "applicant")).toEqual([{ type: "team", id: "verification" }]);
  });
});

describe("reads and refusals are audited by id (issue 10, item 19)", () => {
  it("the attachment list, duplicate look-ups and 404s for cases outside scope leave audit rows without values", async () => {
    const a = await newCase("+7 922 000-00-01");
    const b = await newCase("+7 922 000-00-01");
    expect((await op1.request("GET", `/api/cases/${a}/attachments`)).statusCode).toBe(200);
    expect((await auditOf("case.attachments_listed", a)).map((r) => [r.actorId, r.details])).toEqual([[op1.userId, { count: 0 }]]);
    const dups = await op1.request("GET", `/api/cases/${a}/duplicates`);
    expect(dups.json().map((d: { id: string }) => d.id)).toEqual([b]);
    expect((await auditOf("case.duplicates_checked", a)).map((r) => [r.actorId, r.details])).toEqual([[op1.userId, { suggested: 1 }]]);
    // Probing: a case outside his scope, and one that does not exist, look alike and are both recorded.
    const missing = "00000000-0000-4000-8000-0000000000aa";
    for (const id of [a, missing]) expect((await verifier.request("GET", `/api/cases/${id}`)).statusCode).toBe(404);
    expect((await verifier.request("GET", `/api/cases/${a}/duplicates`)).statusCode).toBe(404);
    expect((await auditOf("case.not_found", a)).map((r) => r.actorId)).toEqual([verifier.userId, verifier.userId]);
    expect((await auditOf("case.not_found", missing)).map((r) => [r.actorId, r.details])).toEqual([[verifier.userId, {}]]);
    expect(JSON.stringify(await ctx.db.select().from(auditLog))).not.toMatch(/922 000|Зайцев/);
  });
});
