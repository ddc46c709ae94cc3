import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshContext } from "../../support/store.js";
import { loadDemoData } from "../../../src/server/demo/load.js";
import { rowsOf } from "../../../src/server/db/index.js";
import type { AppContext } from "../../../src/server/context.js";
import { verifyLedger } from "../../../src/server/rewards/index.js";

let ctx: AppContext;
let cleanup: () => Promise<void>;
beforeAll(async () => void ({ ctx, cleanup } = await freshContext()), 180_000);
afterAll(async () => cleanup());

describe("demo rewards", () => {
  it("claims in every state, the helicopter paid $500,000, an intact ledger", async () => {
    const summary = await loadDemoData(ctx, { cases: 60 });
    expect(summary).toMatch(/Demo reward claims: 7/);
    const states = await rowsOf<{ state: string }>(ctx.db, sql`SELECT DISTINCT state FROM reward_claims`);
    expect(new Set(states.map((s) => s.state))).toEqual(new Set(["inspection", "assessed", "first_approved", "approved", "rejected"]));
    const heli = await rowsOf<{ paid: string }>(ctx.db, sql`SELECT sum(l.amount_cents)::text AS paid FROM reward_ledger l JOIN reward_claims c ON c.id = l.claim_id WHERE c.equipment_code = 'combat_helicopter' AND l.kind = 'payment'`);
    expect(heli[0]!.paid).toBe("50000000");
    expect((await verifyLedger(ctx.db, ctx.keys.subkey("ledger"))).problem).toBeNull();
  }, 600_000);
});
