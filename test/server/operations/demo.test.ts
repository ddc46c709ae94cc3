import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshContext } from "../../support/store.js";
import { loadDemoData } from "../../../src/server/demo/load.js";
import type { AppContext } from "../../../src/server/context.js";
import { rowsOf } from "../../../src/server/db/index.js";

let ctx: AppContext;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
});
afterAll(async () => cleanup());

interface Op {
  state: string;
  groupSize: number;
  shredded: boolean;
  outcome: string | null;
  equipment: string[] | null;
  instructed: number;
  confirmed: number;
  escort: number;
}

/**
 * What the store keeps in clear is enough to tell each state apart: the operation's state and
 * remains, which cases were sent instructions and confirmed (the times are sealed, not whether),
 * and how many escort entries it has (their states are sealed).
 */
const operationsOf = (c: AppContext) =>
  rowsOf<Op>(
    c.db,
    sql`SELECT o.state, o.group_size AS "groupSize", (o.details IS NULL) AS shredded, o.summary->>'outcome' AS outcome, o.summary->'equipment' AS equipment,
          (SELECT count(*)::int FROM operation_cases oc WHERE oc.operation_id = o.id AND jsonb_array_length(oc.instruction_message_ids) > 0) AS instructed,
          (SELECT count(*)::int FROM operation_cases oc WHERE oc.operation_id = o.id AND (oc.confirmation IS NOT NULL OR oc.applicant_confirmation IS NOT NULL)) AS confirmed,
          (SELECT count(*)::int FROM operation_escort_events e WHERE e.operation_id = o.id) AS escort
        FROM operations o`,
  );

describe("the small demo", () => {
  it("has an operation in every state at --cases 40: planned, instructed, confirmed, under way, a group, and each outcome", async () => {
    const summary = await loadDemoData(ctx, { cases: 40 });
    expect(summary).toMatch(/Demo operations: 6,/);
    const ops = await operationsOf(ctx);
    const open = ops.filter((o) => o.state !== "closed");
    const is = (what: string, found: boolean) => expect([what, found]).toEqual([what, true]);
    is("planned, nothing sent yet", open.some((o) => o.state === "planning" && o.instructed === 0));
    is("instructions sent, one of a group not yet confirmed", open.some((o) => o.state === "scheduled" && o.groupSize >= 2 && o.instructed === o.groupSize && o.confirmed > 0 && o.confirmed < o.groupSize));
    is("confirmed and under way (the escort's timeline begun)", open.some((o) => o.state === "scheduled" && o.confirmed === o.groupSize && o.escort > 0));
    const closed = ops.filter((o) => o.state === "closed");
    expect(closed.map((o) => o.outcome).sort()).toEqual(["aborted", "handed_over", "no_show"]);
    // Closed ones are shredded; the handed-over one keeps its equipment codes for the rewards.
    expect(ops.every((o) => o.shredded === (o.state === "closed"))).toBe(true);
    expect(closed.find((o) => o.outcome === "handed_over")!.equipment).toEqual(["tank_sp_artillery"]);
  }, 300_000);
});
