import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { approvedClaim, inspectedClaim, rewardsCase } from "./support.js";
import { eq } from "drizzle-orm";
import { cases } from "../../../src/server/db/schema.js";
import { purgeCase, removeFiles, sweepOrphanFiles } from "../../../src/server/retention/purge.js";

/** Inspection photos as encrypted attachments of a claim (migration 0020). */
type Who = "op1" | "ro1" | "ro2" | "ro3" | "ro4";
let store: StaffedStore<Who>;
let s: Record<Who, StaffClient>;
let caseId: string;

beforeAll(async () => {
  store = await staffedStore({ staff: { op1: "operator", ro1: "reward_officer", ro2: "reward_officer", ro3: "reward_officer", ro4: "reward_officer" }, startAt: new Date("2026-11-10T09:00:00Z"), env: { SESSION_IDLE_MINUTES: "120" } });
  s = store.staff;
  caseId = await rewardsCase(store.ctx, s.op1);
}, 240_000);
afterAll(async () => store?.close());

const CONTENT = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from("борт 59489617 CANARY-PHOTO0001 ".repeat(3000))]);
const upload = (who: StaffClient, claimId: string, body: Buffer | string = CONTENT, type = "application/octet-stream") =>
  store.app.inject({
    method: "POST",
    url: `/api/rewards/claims/${claimId}/photos`,
    headers: { cookie: `sp_staff=${who.cookie}`, "x-csrf-token": who.csrf, "content-type": type, "x-file-name": encodeURIComponent("борт-59489617.jpg"), "x-file-type": "image/jpeg" },
    payload: body,
  });

describe("inspection photos", () => {
  it("round-trip through the API, never in clear on disk or in the database, name included", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    const up = await upload(s.ro1, id);
    expect(up.statusCode, up.body).toBe(201);
    const list = await s.ro2.request("GET", `/api/rewards/claims/${id}/photos`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: up.json().id, name: "борт-59489617.jpg", type: "image/jpeg", size: CONTENT.length, addedBy: "Test ro1" })]);
    const down = await s.ro2.request("GET", `/api/rewards/claims/${id}/photos/${up.json().id}`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(CONTENT)).toBe(true);
    expect(down.headers["content-disposition"]).toMatch(/^attachment;/);
    expect(down.headers["content-security-policy"]).toContain("sandbox");
    const onDisk = fs.readFileSync(path.join(store.ctx.config.dataDir, "attachments", up.json().id));
    expect(onDisk.includes(Buffer.from("CANARY-PHOTO0001"))).toBe(false);
    const dump = JSON.stringify(await store.ctx.database.executeSql("SELECT encode(meta, 'escape') AS m FROM reward_claim_photos"));
    expect(dump).not.toContain("59489617");
    // Not among the case's own attachments: a secret claim's photos must not surface there.
    expect((await s.ro1.request("GET", `/api/cases/${caseId}/attachments`)).json()).toEqual([]);
  });

  it("are added only under inspection: after the assessment a photo would be a change the approvals did not cover", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    await approvedClaim(s.ro1, s.ro2, s.ro3, id);
    expect((await upload(s.ro1, id)).statusCode).toBe(409);
    expect((await s.ro1.request("GET", `/api/rewards/claims/${id}/photos`)).json()).toEqual([]);
  });

  it("of a secret claim are seen only by the officers on it; an operator can neither add nor read them", async () => {
    const id = await inspectedClaim(s.ro1, caseId, { secret: true });
    const up = await upload(s.ro1, id);
    expect(up.statusCode).toBe(201);
    for (const [who, status] of [["ro4", 404], ["op1", 403]] as const) {
      expect((await s[who].request("GET", `/api/rewards/claims/${id}/photos`)).statusCode, who).toBe(status);
      expect((await s[who].request("GET", `/api/rewards/claims/${id}/photos/${up.json().id}`)).statusCode, who).toBe(status);
      expect((await upload(s[who], id)).statusCode, who).toBe(status);
    }
    expect((await s.ro1.request("GET", `/api/rewards/claims/${id}/photos`)).json()).toHaveLength(1);
  });

  it("refuses a JSON body with a 4xx and an unknown photo with 404", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    const json = await upload(s.ro1, id, JSON.stringify({ photo: "x" }), "application/json");
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
    expect((await s.ro1.request("GET", `/api/rewards/claims/${id}/photos/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
  });
  // Last: it purges the case the other tests use.
  it("survive the orphan sweep while their claim lives, and leave the disk when retention purges the case", async () => {
    const id = await inspectedClaim(s.ro1, caseId);
    const up = await upload(s.ro1, id);
    expect(up.statusCode).toBe(201);
    const file = path.join(store.ctx.config.dataDir, "attachments", up.json().id);
    // Old enough for the sweep to take it, were it an orphan.
    const old = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(file, old, old);
    await sweepOrphanFiles(store.ctx);
    expect(fs.existsSync(file)).toBe(true);
    const [c] = await store.ctx.db.select({ state: cases.state, number: cases.number }).from(cases).where(eq(cases.id, caseId));
    const out = await purgeCase(store.ctx, { caseId, number: c!.number, state: c!.state, rule: "inactive_case", dueSince: new Date() }, null);
    expect(out.purged).toBe(true);
    expect(out.files).toContain(up.json().id);
    expect(removeFiles(store.ctx, out.files)).toBeGreaterThan(0);
    expect(fs.existsSync(file)).toBe(false);
  });
});
