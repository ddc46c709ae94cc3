import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { onPostgres } from "../../support/store.js";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import type { StaffClient } from "../../support/staff.js";
import { rowsOf } from "../../../src/server/db/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { runRetention } from "../../../src/server/retention/index.js";
import { retentionTombstones } from "../../../src/server/retention/tables.js";
import { verifyAuditChain } from "../../../src/server/audit/log.js";
import { backup } from "../../../src/server/backup/copy.js";

type Who = "op1" | "sup" | "admin2" | "ver1" | "ver2";

/**
 * Retention on both stores: rules changed with four eyes, a hold that stops the purge, and the
 * purge itself, proven by looking for the purged cases' own ciphertext (their sealed keys, sections,
 * message bodies and attachment files) where a thief would: the data directory after CHECKPOINT
 * and VACUUM FULL (embedded), the pg_dump (PostgreSQL) and the attachments folder. The same
 * needles are found before the purge, so the search can fail.
 */
describe(`retention (${onPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  let s: StaffedStore<Who>;
  let op: StaffClient;
  const ids: Record<"due" | "held" | "recent" | "inactive" | "closed", string> = { due: "", held: "", recent: "", inactive: "", closed: "" };
  let needles: Buffer[] = [];
  let closedNeedles: Buffer[] = [];

  const rows = (q: ReturnType<typeof sql>) => rowsOf<Record<string, unknown>>(s.ctx.db, q);
  /** A 24-byte slice from the middle of every ciphertext of a case, and of its attachment files. */
  async function ciphertextsOf(caseId: string, only?: "messages"): Promise<Buffer[]> {
    const blobs: Buffer[] = [];
    const q = (t: string, col: string) => rows(sql`SELECT ${sql.raw(col)} AS b FROM ${sql.raw(t)} WHERE case_id = ${caseId}`);
    const sources = only ? [["messages", "body"]] : [["case_grants", "sealed_key"], ["case_sections", "ciphertext"], ["messages", "body"], ["blind_indexes", "value"]];
    for (const [t, col] of sources) for (const r of await q(t!, col!)) blobs.push(Buffer.isBuffer(r.b) ? r.b : Buffer.from(r.b as string));
    for (const a of await rows(sql`SELECT id FROM attachments WHERE case_id = ${caseId}`)) blobs.push(fs.readFileSync(path.join(s.ctx.config.dataDir, "attachments", String(a.id))));
    return blobs.filter((b) => b.length >= 24).map((b) => b.subarray(Math.floor(b.length / 2) - 12, Math.floor(b.length / 2) + 12));
  }
  /** Every file a thief takes: the embedded data directory, or a pg_dump; and the attachments. */
  async function seized(): Promise<Buffer[]> {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (f: string) => files.push(f))(path.join(d, e.name));
    };
    if (onPostgres()) {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "sp-ret-dump-"));
      fs.rmSync(out, { recursive: true });
      await backup(s.ctx, out);
      walk(out);
    } else {
      await s.ctx.db.execute(sql`CHECKPOINT`);
      walk(s.ctx.config.dataDir);
    }
    return files.map((f) => fs.readFileSync(f));
  }
  /** Raw (table files, attachment files) or as the hex of a bytea in a pg_dump. */
  const foundIn = (hay: Buffer[], needle: Buffer) => hay.some((h) => h.includes(needle) || h.includes(Buffer.from(needle.toString("hex"))));

  const upload = (caseId: string, text: string) =>
    s.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/attachments`,
      headers: { cookie: `sp_staff=${op.cookie}`, "x-csrf-token": op.csrf, "content-type": "application/octet-stream", "x-file-name": "scan.jpg", "x-file-type": "image/jpeg" },
      payload: Buffer.from(text.repeat(500)),
    });
  async function openCase(name: string, withFile = false): Promise<string> {
    const { caseId } = await webCase(s.ctx, { name, phone: `+7 900 ${Math.floor(Math.random() * 1e7)}`, message: `Помогите, я ${name}` });
    expect((await op.request("POST", `/api/cases/${caseId}/replies`, { text: `Ответ для ${name}` })).statusCode).toBe(201);
    if (withFile) expect((await upload(caseId, `военный билет ${name} `)).statusCode).toBe(201);
    return caseId;
  }
  async function age(list: string[], days: number) {
    for (const id of list) {
      const by = sql`${`${days} days`}::interval`;
      await s.ctx.db.execute(sql`UPDATE cases SET created_at = created_at - ${by}, updated_at = updated_at - ${by}, last_inbound_at = last_inbound_at - ${by}, last_outbound_at = last_outbound_at - ${by} WHERE id = ${id}`);
      await s.ctx.db.execute(sql`UPDATE case_events SET at = at - ${by} WHERE case_id = ${id}`);
    }
  }
  /** The real road to "rejected": the operator hands the request over, two verifiers reject it. */
  async function reject(id: string) {
    expect((await op.request("POST", `/api/cases/${id}/transition`, { to: "preliminary", reason: "данные оставлены" })).statusCode).toBe(200);
    expect((await op.request("POST", `/api/cases/${id}/verification/handover`, { reason: "предварительная сдача" })).statusCode).toBe(204);
    for (const v of [s.staff.ver1, s.staff.ver2]) expect((await v.request("POST", `/api/cases/${id}/verification/reviews`, { decision: "rejected", reasonCode: "fake" })).statusCode).toBe(200);
    expect((await s.ctx.db.select({ state: cases.state }).from(cases).where(eq(cases.id, id)))[0]!.state).toBe("rejected");
  }

  beforeAll(async () => {
    s = await staffedStore({ staff: { op1: "operator", sup: "supervisor", admin2: "admin", ver1: "verifier", ver2: "verifier" } });
    op = s.staff.op1;
    await s.admin.request("GET", "/api/auth/session");
    ids.due = await openCase("Фальшивый Один", true);
    ids.held = await openCase("Задержанный Два", true);
    ids.inactive = await openCase("Молчащий Три");
    ids.closed = await openCase("Закрытый Четыре", true);
    ids.recent = await openCase("Недавний Пять");
    for (const id of [ids.due, ids.held, ids.recent]) await reject(id);
    // Closing takes the whole road of the other capabilities; the rule only looks at the state and
    // when it was entered, so the test puts this case there directly.
    await s.ctx.db.update(cases).set({ state: "closed", updatedAt: s.clock.now() }).where(eq(cases.id, ids.closed));
    // Time passes for all but the recent case: their rows are aged (the staff sessions stay valid).
    await age([ids.due, ids.held, ids.inactive], 200);
    await age([ids.closed], 400);
    needles = [...(await ciphertextsOf(ids.due)), ...(await ciphertextsOf(ids.inactive))];
    closedNeedles = await ciphertextsOf(ids.closed, "messages");
  });
  afterAll(async () => s?.close());

  it("rules change only with a second administrator; other roles are refused", async () => {
    const read = (await s.admin.request("GET", "/api/retention")).json();
    expect(read.rules.map((r: { rule: string; days: number }) => [r.rule, r.days])).toEqual([
      ["rejected_case", 90],
      ["inactive_case", 180],
      ["closed_messages", 365],
    ]);
    expect((await op.request("GET", "/api/retention")).statusCode).toBe(403);
    expect((await s.staff.sup.request("POST", "/api/retention/proposals", { rule: "rejected_case", days: 30, enabled: true })).statusCode).toBe(403);
    expect((await s.admin.request("POST", "/api/retention/proposals", { rule: "rejected_case", days: 0, enabled: true })).statusCode).toBe(400);
    const p = await s.admin.request("POST", "/api/retention/proposals", { rule: "inactive_case", days: 120, enabled: true });
    expect(p.statusCode).toBe(201);
    expect((await s.admin.request("POST", "/api/retention/proposals", { rule: "inactive_case", days: 100, enabled: true })).statusCode).toBe(409);
    // The proposer cannot approve his own change, however he asks.
    expect((await s.admin.request("POST", `/api/retention/proposals/${p.json().id}/decision`, { outcome: "approved" })).statusCode).toBe(403);
    expect((await s.staff.sup.request("POST", `/api/retention/proposals/${p.json().id}/decision`, { outcome: "approved" })).statusCode).toBe(403);
    expect((await s.admin.request("GET", "/api/retention")).json().rules[1].days).toBe(180);
    const ok = await s.staff.admin2.request("POST", `/api/retention/proposals/${p.json().id}/decision`, { outcome: "approved" });
    expect([ok.statusCode, ok.json().outcome]).toEqual([200, "approved"]);
    // A decided proposal is not decided again (a replayed approval changes nothing).
    expect((await s.staff.admin2.request("POST", `/api/retention/proposals/${p.json().id}/decision`, { outcome: "refused" })).statusCode).toBe(409);
    expect((await s.admin.request("GET", "/api/retention")).json().rules[1].days).toBe(120);
    // Put it back, with four eyes again.
    const back = await s.staff.admin2.request("POST", "/api/retention/proposals", { rule: "inactive_case", days: 180, enabled: true });
    expect((await s.admin.request("POST", `/api/retention/proposals/${back.json().id}/decision`, { outcome: "approved" })).statusCode).toBe(200);
  });

  it("a supervisor holds a case; an operator may not; the hold is by number and audited", async () => {
    const [held] = await s.ctx.db.select({ number: cases.number }).from(cases).where(eq(cases.id, ids.held));
    expect((await op.request("PUT", `/api/retention/holds/${held!.number}`, { reason: "court_order" })).statusCode).toBe(403);
    expect((await s.staff.sup.request("PUT", `/api/retention/holds/${held!.number}`, { reason: "notes about him" })).statusCode).toBe(400);
    expect((await s.staff.sup.request("PUT", `/api/retention/holds/999999`, { reason: "court_order" })).statusCode).toBe(404);
    const r = await s.staff.sup.request("PUT", `/api/retention/holds/${held!.number}`, { reason: "court_order" });
    expect([r.statusCode, r.json().reason]).toEqual([200, "court_order"]);
    expect((await s.staff.sup.request("GET", "/api/retention/holds")).json().map((h: { caseId: string }) => h.caseId)).toEqual([ids.held]);
    const audit = await rows(sql`SELECT action FROM audit_log WHERE subject_id = ${ids.held} AND action LIKE 'retention.%'`);
    expect(audit.map((a) => a.action)).toEqual(["retention.hold_placed"]);
  });

  it("the dry run lists exactly the cases due, by number and rule, and changes nothing", async () => {
    const before = await rows(sql`SELECT count(*)::int AS n FROM cases`);
    const dry = await s.staff.sup.request("GET", "/api/retention/dry-run");
    expect(dry.statusCode).toBe(200);
    const items = dry.json().items as { caseId: string; rule: string }[];
    expect(items.map((i) => [i.caseId, i.rule]).sort()).toEqual(
      [
        [ids.due, "rejected_case"],
        [ids.inactive, "inactive_case"],
        [ids.closed, "closed_messages"],
      ].sort(),
    );
    expect(dry.json().held).toBe(1);
    expect(JSON.stringify(dry.json())).not.toMatch(/Фальшив|Молчащ|\+7/);
    expect(await rows(sql`SELECT count(*)::int AS n FROM cases`)).toEqual(before);
  });

  it("the run crypto-shreds what is due and nothing else; a thief finds none of its ciphertext", async () => {
    const hayBefore = await seized();
    expect(needles.length).toBeGreaterThan(8);
    expect(needles.every((n) => foundIn(hayBefore, n))).toBe(true); // the search can find them
    const run = await runRetention(s.ctx, { dryRun: false });
    expect([run.casesPurged, run.held]).toEqual([2, 1]);
    expect(run.messagesPurged).toBeGreaterThanOrEqual(2);
    expect(run.filesRemoved).toBe(2);
    const left = (await s.ctx.db.select({ id: cases.id }).from(cases)).map((c) => c.id).sort();
    expect(left).toEqual([ids.held, ids.recent, ids.closed].sort());
    // The closed case keeps its sections and key; its conversation is gone.
    expect(await rows(sql`SELECT count(*)::int AS n FROM messages WHERE case_id = ${ids.closed}`)).toEqual([{ n: 0 }]);
    expect((await rows(sql`SELECT count(*)::int AS n FROM case_sections WHERE case_id = ${ids.closed}`))[0]!.n).toBeGreaterThan(0);
    // The held and the recent case are intact: the verification team still reads them.
    for (const id of [ids.held, ids.recent]) {
      const c = await s.staff.ver1.request("GET", `/api/cases/${id}`);
      expect(c.statusCode).toBe(200);
      expect(c.json().messages.length).toBe(2);
    }
    expect((await s.staff.ver1.request("GET", `/api/cases/${ids.due}`)).statusCode).toBe(404);
    const hay = await seized();
    expect(needles.filter((n) => foundIn(hay, n)).map((n) => n.toString("hex"))).toEqual([]);
    expect(closedNeedles.filter((n) => foundIn(hay, n)).map((n) => n.toString("hex"))).toEqual([]);
    expect(fs.readdirSync(path.join(s.ctx.config.dataDir, "attachments")).length).toBe(1); // the held case's file
    // What remains: a tombstone by day, no identifier; the audit chain verifies.
    const [t] = await s.ctx.db.select().from(retentionTombstones).where(eq(retentionTombstones.caseId, ids.due));
    expect(t).toMatchObject({ rule: "rejected_case", channel: "web", finalState: "rejected" });
    expect(t!.states.map((x) => x.state)).toContain("rejected");
    expect((await verifyAuditChain(s.ctx.db, s.ctx.keys.subkey("audit"))).problem).toBeNull();
    // A second run finds nothing more to do.
    const again = await runRetention(s.ctx, { dryRun: false });
    expect([again.casesPurged, again.messagesPurged, again.items.length]).toEqual([0, 0, 0]);
  });
});
