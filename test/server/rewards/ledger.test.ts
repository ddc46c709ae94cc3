import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, type TestStore } from "../../support/store.js";
import { runCliOn } from "../../support/store-cli.js";
import { openContext } from "../../../src/server/services.js";
import { appendLedger, verifyLedger } from "../../../src/server/rewards/ledger.js";

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

/** Tampering as the database owner would: around the append-only trigger. */
const tamper = (sql: string) => withCtx((ctx) => ctx.database.executeSql(`ALTER TABLE reward_ledger DISABLE TRIGGER USER; ${sql}; ALTER TABLE reward_ledger ENABLE TRIGGER USER;`));
const problem = () => withCtx(async (ctx) => (await verifyLedger(ctx.db, ctx.keys.subkey("ledger"))).problem);

beforeAll(async () => {
  store = await freshStore();
  await withCtx(async (ctx) => {
    const claimId = randomUUID();
    for (let i = 1; i <= 8; i++) await ctx.db.transaction((tx) => appendLedger(tx, ctx.keys.subkey("ledger"), { claimId, kind: i === 1 ? "approval" : "payment", amountCents: i === 1 ? 50_000_000 : 1_000_000, currency: "USD", actorId: null, method: "bank_transfer", reference: `ref-${i}` }, new Date()));
  });
}, 120_000);
afterAll(async () => store.cleanup());

describe("safe-passage rewards verify", () => {
  it("says the ledger is intact and anchors its head", async () => {
    const r = await cli("rewards", "verify");
    expect([r.code, r.out]).toEqual([0, expect.stringContaining("reward ledger intact: 8 entries")]);
    expect(r.out).toContain("anchor now at entry 8");
  });

  it("finds an edited entry", async () => {
    await tamper("UPDATE reward_ledger SET amount_cents = 9000000 WHERE seq = 3");
    expect(await problem()).toEqual({ kind: "edited", seq: 3 });
    const r = await cli("rewards", "verify");
    expect([r.code, r.out]).toEqual([1, expect.stringContaining("reward ledger TAMPERED: row 3 was edited")]);
    await tamper("UPDATE reward_ledger SET amount_cents = 1000000 WHERE seq = 3");
    expect(await problem()).toBeNull();
  });

  it("finds an inserted entry", async () => {
    await tamper("UPDATE reward_ledger SET seq = seq + 100 WHERE seq >= 5; UPDATE reward_ledger SET seq = seq - 99 WHERE seq >= 105");
    await tamper("INSERT INTO reward_ledger (seq, at, claim_id, kind, amount_cents, currency, prev_hash, hash) SELECT 5, now(), claim_id, 'payment', 5000000, 'USD', hash, hash FROM reward_ledger WHERE seq = 4");
    expect(await problem()).toEqual({ kind: "edited", seq: 5 });
    expect((await cli("rewards", "verify")).code).toBe(1);
    await tamper("DELETE FROM reward_ledger WHERE seq = 5; UPDATE reward_ledger SET seq = seq + 100 WHERE seq >= 6; UPDATE reward_ledger SET seq = seq - 101 WHERE seq >= 106");
    expect(await problem()).toBeNull();
  });

  it("finds a deleted entry, in the middle and at the end with the head rewound", async () => {
    await tamper("DELETE FROM reward_ledger WHERE seq = 6");
    expect(await problem()).toEqual({ kind: "deleted", afterSeq: 5, missing: "6..6" });
    expect((await cli("rewards", "verify")).out).toContain("rows 6..6 after row 5 were deleted");
  });

  it("finds entries cut from the end even when the head is rewound to fit (the anchor)", async () => {
    await tamper("DELETE FROM reward_ledger WHERE seq >= 6");
    await withCtx((ctx) => ctx.database.executeSql("UPDATE reward_ledger_head SET seq = 5, hash = (SELECT hash FROM reward_ledger WHERE seq = 5) WHERE id = 1"));
    expect(await problem()).toBeNull();
    const r = await cli("rewards", "verify");
    expect([r.code, r.out]).toEqual([1, expect.stringMatching(/the anchor written \S+ outside the database proves it reached row 8: rows 6\.\.8 were deleted/)]);
  });
});
