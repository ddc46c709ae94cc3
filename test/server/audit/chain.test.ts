import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshContext } from "../../support/store.js";
import { appendAudit, verifyAuditChain } from "../../../src/server/audit/log.js";
import type { AppContext } from "../../../src/server/context.js";

let ctx: AppContext;
let cleanup: () => Promise<void>;
const key = () => ctx.keys.subkey("audit");

beforeEach(async () => {
  ({ ctx, cleanup } = await freshContext());
  for (let i = 1; i <= 10; i++) {
    await ctx.db.transaction((tx) => appendAudit(tx, key(), { actorId: null, action: `test.event_${i}`, subjectType: "thing", subjectId: String(i), details: { n: i, ok: true } }));
  }
});
afterEach(async () => cleanup());

/** Tampering as a database owner would: around the append-only trigger. */
async function tamper(sql: string) {
  await ctx.database.executeSql(`ALTER TABLE audit_log DISABLE TRIGGER USER; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER USER;`);
}

describe("audit chain", () => {
  it("verifies an untouched chain", async () => {
    expect(await verifyAuditChain(ctx.db, key())).toEqual({ rows: 10, problem: null });
  });

  it("refuses UPDATE, DELETE and TRUNCATE through the trigger", async () => {
    await expect(ctx.database.executeSql("UPDATE audit_log SET action = 'x' WHERE seq = 3")).rejects.toThrow(/append-only/);
    await expect(ctx.database.executeSql("DELETE FROM audit_log WHERE seq = 3")).rejects.toThrow(/append-only/);
    await expect(ctx.database.executeSql("TRUNCATE audit_log")).rejects.toThrow(/append-only/);
  });

  it("reports the first edited row", async () => {
    await tamper(`UPDATE audit_log SET details = '{"n": 99, "ok": true}' WHERE seq = 4`);
    await tamper(`UPDATE audit_log SET action = 'test.rewritten' WHERE seq = 7`);
    expect((await verifyAuditChain(ctx.db, key())).problem).toEqual({ kind: "edited", seq: 4 });
  });

  it("reports a deleted row in the middle", async () => {
    await tamper("DELETE FROM audit_log WHERE seq = 5");
    expect((await verifyAuditChain(ctx.db, key())).problem).toEqual({ kind: "deleted", afterSeq: 4, missing: "5..5" });
  });

  it("reports rows deleted from the end", async () => {
    await tamper("DELETE FROM audit_log WHERE seq >= 9");
    expect((await verifyAuditChain(ctx.db, key())).problem).toEqual({ kind: "head-mismatch", headSeq: 10, lastSeq: 8 });
  });

  it("reports an inserted row (renumbered in, with a forged hash)", async () => {
    // Make room at seq 6 by shifting the tail, then insert a forged row there.
    await tamper("UPDATE audit_log SET seq = seq + 100 WHERE seq >= 6; UPDATE audit_log SET seq = seq - 99 WHERE seq >= 106");
    await tamper(`INSERT INTO audit_log (seq, at, action, details, prev_hash, hash) SELECT 6, now(), 'test.forged', '{}', hash, hash FROM audit_log WHERE seq = 5`);
    const r = await verifyAuditChain(ctx.db, key());
    expect(r.problem).toEqual({ kind: "edited", seq: 6 });
    // The forger cannot compute the MAC without the server key, so the row cannot pass as genuine.
  });

  it("reports a row replaced by a copy of another genuine row", async () => {
    await tamper("UPDATE audit_log SET (at, action, subject_type, subject_id, details, prev_hash, hash) = (SELECT at, action, subject_type, subject_id, details, prev_hash, hash FROM audit_log WHERE seq = 2) WHERE seq = 6");
    expect((await verifyAuditChain(ctx.db, key())).problem).toEqual({ kind: "inserted", seq: 6 });
  });

  it("keeps the chain linear under concurrent appends", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.db.transaction((tx) => appendAudit(tx, key(), { actorId: null, action: `test.concurrent_${i}` }))));
    expect(await verifyAuditChain(ctx.db, key())).toEqual({ rows: 30, problem: null });
  });
});
