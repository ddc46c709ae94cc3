import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshContext } from "../../support/store.js";
import { loadDemoData } from "../../../src/server/demo/load.js";
import { verifyAuditChain } from "../../../src/server/audit/log.js";
import type { AppContext } from "../../../src/server/context.js";
import { rowsOf } from "../../../src/server/db/index.js";
import { recheckQueue } from "../../../src/server/verification/index.js";
import type { SessionUser } from "../../../src/server/auth/sessions.js";

let ctx: AppContext;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
});
afterAll(async () => cleanup());

describe("demo data", () => {
  it("fills a hotline through the real commands: every channel, many states, messages both ways, an intact audit chain", async () => {
    const summary = await loadDemoData(ctx, { cases: 60 });
    expect(summary).toMatch(/Demo cases: 60 requests/);
    const rows = (await ctx.db.execute(sql`SELECT state, channel, count(*)::int AS n FROM cases GROUP BY state, channel`)) as unknown as { rows?: { state: string; channel: string }[] };
    const list = (rows.rows ?? (rows as unknown as { state: string; channel: string }[])) as { state: string; channel: string }[];
    expect(new Set(list.map((r) => r.channel)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(list.map((r) => r.state)).size).toBeGreaterThanOrEqual(5);
    const dirs = (await ctx.db.execute(sql`SELECT direction, count(*)::int AS n FROM messages GROUP BY direction`)) as unknown as { rows?: { direction: string }[] };
    expect(new Set((dirs.rows ?? (dirs as unknown as { direction: string }[])).map((r) => r.direction))).toEqual(new Set(["in", "out", "note"]));
    // Verification: a watchlist entry added by hand that a case hits, and a verified case it sends back for a re-check.
    const hits = await rowsOf<{ byHand: boolean }>(
      ctx.db,
      sql`SELECT (w.added_by IS NOT NULL) AS "byHand" FROM verification_watchlist w JOIN blind_indexes b ON b.kind = w.kind AND b.value = w.value
           WHERE w.removed_at IS NULL AND (w.source_case_id IS NULL OR w.source_case_id <> b.case_id)`,
    );
    expect(hits.some((h) => h.byHand)).toBe(true);
    const [supervisor] = await rowsOf<{ id: string }>(ctx.db, sql`SELECT id FROM users WHERE role = 'supervisor' LIMIT 1`);
    const due = await recheckQueue(ctx, { id: supervisor!.id, role: "supervisor" } as SessionUser);
    expect(due.some((d) => d.reasons.includes("watchlist_hit"))).toBe(true);
    // Retention: rejected requests held, and a period change waiting for the second administrator.
    const holds = await rowsOf<{ reason: string; state: string }>(ctx.db, sql`SELECT h.reason, c.state FROM legal_holds h JOIN cases c ON c.id = h.case_id ORDER BY h.reason`);
    expect(holds).toEqual([
      { reason: "applicant_request", state: "rejected" },
      { reason: "investigation", state: "rejected" },
    ]);
    expect(await rowsOf(ctx.db, sql`SELECT rule, days FROM retention_proposals WHERE decided_at IS NULL`)).toEqual([{ rule: "closed_messages", days: 730 }]);
    // Handover operations in every state, the closed ones already shredded.
    const ops = (await ctx.db.execute(sql`SELECT state, (details IS NULL) AS shredded, summary->>'outcome' AS outcome FROM operations`)) as unknown as { rows?: { state: string; shredded: boolean; outcome: string | null }[] };
    const opList = (ops.rows ?? (ops as unknown as { state: string; shredded: boolean; outcome: string | null }[])) as { state: string; shredded: boolean; outcome: string | null }[];
    expect(new Set(opList.map((o) => o.state))).toEqual(new Set(["planning", "scheduled", "closed"]));
    expect(new Set(opList.filter((o) => o.state === "closed").map((o) => o.outcome))).toEqual(new Set(["handed_over", "no_show", "aborted"]));
    expect(opList.every((o) => o.shredded === (o.state === "closed"))).toBe(true);
    // Families in relocation: members, steps in more than one state, some overdue, none of it in clear.
    expect(summary).toMatch(/Resettlement: [1-9]\d* files with their guarantees and [1-9]\d* family members in relocation/);
    const steps = await rowsOf<{ state: string }>(ctx.db, sql`SELECT DISTINCT state FROM resettlement_tasks WHERE member_id IS NOT NULL`);
    expect(steps.map((r) => r.state)).toEqual(expect.arrayContaining(["open", "done"]));
    const audit = await verifyAuditChain(ctx.db, ctx.keys.subkey("audit"));
    expect(audit.problem).toBeNull();
    // Sixty cases through the real commands (Argon2 on every intake) pass the default minute on a busy machine.
  }, 180_000);
});
