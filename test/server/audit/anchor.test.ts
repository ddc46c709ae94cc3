import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, type TestStore } from "../../support/store.js";
import { runCliOn } from "../../support/store-cli.js";
import { openContext } from "../../../src/server/services.js";
import { appendAudit, verifyAuditChain } from "../../../src/server/audit/log.js";
import { auditAnchorFile } from "../../../src/server/audit/anchor.js";

let store: TestStore;

const cli = (...args: string[]) => runCliOn(store, ...args);

async function withCtx<T>(fn: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<T>): Promise<T> {
  const ctx = await openContext(store.config);
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

beforeAll(async () => {
  store = await freshStore();
  await withCtx(async (ctx) => {
    for (let i = 1; i <= 10; i++) await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: `test.event_${i}` }));
  });
});
afterAll(async () => store.cleanup());

describe("the audit head is anchored outside the database (issue 10, item 9)", () => {
  it("audit verify says how far back the anchor proves the chain", async () => {
    const first = await cli("audit", "verify");
    expect(first.code).toBe(0);
    expect(first.out).toContain("no audit anchor yet");
    expect(first.out).toContain("anchor now at row 10");
    const again = await cli("audit", "verify");
    expect(again.out).toMatch(/audit log intact: 10 rows; the anchor written \S+ proves rows 1\.\.10/);
    const file = auditAnchorFile(store.config.keyFile);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("disabling the trigger, deleting the last rows and rewinding audit_head is caught", async () => {
    // The attack, as the database owner: around the trigger, then make the head fit the shorter chain.
    await withCtx(async (ctx) => {
      await ctx.database.executeSql(
        "ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log WHERE seq >= 8; ALTER TABLE audit_log ENABLE TRIGGER USER; " +
          "UPDATE audit_head SET seq = 7, hash = (SELECT hash FROM audit_log WHERE seq = 7) WHERE id = 1;",
      );
      // The database alone now looks intact: that was the hole.
      expect((await verifyAuditChain(ctx.db, ctx.keys.subkey("audit"))).problem).toBeNull();
    });
    const r = await cli("audit", "verify");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/audit log TAMPERED: the chain ends at row 7, but the anchor written \S+ outside the database proves it reached row 10: rows 8\.\.10 were deleted/);
    // A restart does not move the anchor back over the evidence.
    expect((await cli("audit", "verify")).code).toBe(1);
  });

  it("a forged anchor (written without the server key) is refused", async () => {
    const forged = path.join(store.dataDir, "forged-anchor.json");
    fs.writeFileSync(forged, JSON.stringify({ seq: 7, hash: "00".repeat(32), at: new Date().toISOString(), mac: "11".repeat(32) }));
    const r = await cli("audit", "verify", "--anchor", forged);
    expect(r.code).toBe(1);
    expect(r.out).toContain("was not written with this server key");
  });
});
