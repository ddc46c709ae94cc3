import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { freshStore, LOG_FILE, type TestStore } from "../../support/store.js";
import { runCliOn } from "../../support/store-cli.js";
import { webCase } from "../../support/staffed.js";
import { openContext } from "../../../src/server/services.js";
import type { AppContext } from "../../../src/server/context.js";
import { insertSealedMessage, recordChange } from "../../../src/server/cases/index.js";
import { cases } from "../../../src/server/db/schema.js";
import { rowsOf } from "../../../src/server/db/index.js";
import { recountDaily, recountDurations, storedDaily, storedDurations } from "../../../src/server/analytics/recount.js";
import { importHistory } from "../../../src/server/analytics/history.js";
import { buildStaffApp } from "../../../src/server/app.js";
import { advancingClock, createFirstAdmin } from "../../support/staff.js";

/** `safe-passage analytics rebuild-rollups` from source, on a store whose rollups missed rows. */
let store: TestStore;
const HISTORY_DAY = "2020-01-06";

const cli = (...args: string[]) => runCliOn(store, ...args);

// The embedded store takes one process at a time: the test closes its context before the CLI runs.
async function withCtx<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(store.config);
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

/** A case on `channel` with an inbound and a reply, taken to verification and verified. */
async function workedCase(ctx: AppContext, channel: "web" | "telegram", i: number) {
  const made = await webCase(ctx, { channel, name: `Тест ${i}`, phone: `+7 900 000-${String(i).padStart(4, "0")}` });
  const [row] = await ctx.db.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, made.caseId));
  await ctx.db.transaction(async (tx) => {
    for (const direction of ["in", "out", "in"] as const) await insertSealedMessage(tx, { caseId: made.caseId, casePublicKey: row!.publicKey!, channel, direction, text: "…", at: ctx.now() });
    await recordChange(ctx, tx, { actorId: null, action: null, caseId: made.caseId, notify: null, event: { kind: "transition", fromState: "preliminary", toState: "verifying" } });
    await recordChange(ctx, tx, { actorId: null, action: null, caseId: made.caseId, notify: null, event: { kind: "transition", fromState: "verifying", toState: "verified" } });
  });
}

const TRIGGERS = [
  ["cases", "analytics_case_opened"],
  ["messages", "analytics_message"],
  ["case_events", "analytics_case_event"],
] as const;
const triggers = (ctx: AppContext, on: boolean) => Promise.all(TRIGGERS.map(([t, name]) => ctx.db.execute(sql.raw(`ALTER TABLE ${t} ${on ? "ENABLE" : "DISABLE"} TRIGGER ${name}`))));

/** The stored rollups beside the recount, the imported history day left out (the recount cannot see it). */
const compare = (ctx: AppContext) =>
  Promise.all([storedDaily(ctx.db).then((r) => r.filter((x) => x.day !== HISTORY_DAY)), recountDaily(ctx.db), storedDurations(ctx.db), recountDurations(ctx.db)]);

beforeAll(async () => {
  process.env.SAFE_PASSAGE_LOG_FILE = LOG_FILE;
  store = await freshStore();
  await withCtx(async (ctx) => {
    // The intake team's key comes with the first administrator; cases need it.
    const app = await buildStaffApp(ctx);
    try {
      await createFirstAdmin(app, ctx, advancingClock(ctx));
    } finally {
      await app.close();
    }
    ctx.now = () => new Date();
    await importHistory(ctx, "web", [HISTORY_DAY], [42]);
    await workedCase(ctx, "web", 1);
    // A bulk load with the triggers off, as an import or a restored pre-analytics backup leaves it.
    await triggers(ctx, false);
    try {
      for (let i = 2; i <= 4; i++) await workedCase(ctx, i % 2 ? "web" : "telegram", i);
    } finally {
      await triggers(ctx, true);
    }
    // And a stale cell no row supports: the rebuild removes it.
    await ctx.db.execute(sql`INSERT INTO analytics_daily (day, channel, metric, key, n) VALUES ('2024-05-05', 'phone', 'inbound', '', 3)`);
  });
}, 180_000);
afterAll(() => store.cleanup());

describe("safe-passage analytics rebuild-rollups", () => {
  it("makes the rollups agree with a count from scratch again, keeps the imported history, and is audited", async () => {
    const [daily, recount, durations, recountD] = await withCtx(compare);
    expect(daily).not.toEqual(recount);
    expect(durations).not.toEqual(recountD);

    const r = await cli("analytics", "rebuild-rollups");
    expect(r.code, r.out).toBe(0);
    const m = /rollups rebuilt: (\d+) row\(s\) written, (\d+) removed, in [\d.]+ s/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![2])).toBe(1);
    expect(r.out).not.toContain("counts above the recount were kept");

    await withCtx(async (ctx) => {
      const [after, recountAfter, durAfter, recountDurAfter] = await compare(ctx);
      expect(after).toEqual(recountAfter);
      expect(durAfter).toEqual(recountDurAfter);
      expect(after.filter((x) => x.metric === "first_contact").reduce((s, x) => s + x.n, 0)).toBe(4);
      const [history] = await rowsOf<{ n: number }>(ctx.db, sql`SELECT n FROM analytics_daily WHERE day = ${HISTORY_DAY}::date AND channel = 'web' AND metric = 'first_contact'`);
      expect(history?.n).toBe(42);
      const audit = await rowsOf<{ details: Record<string, unknown> }>(ctx.db, sql`SELECT details FROM audit_log WHERE action = 'analytics.rollups_rebuilt'`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toMatchObject({ written: Number(m![1]), removed: 1, keptHigher: false });
    });

    // Nothing left to do: a second run writes nothing.
    const again = await cli("analytics", "rebuild-rollups");
    expect(again.out).toContain("rollups rebuilt: 0 row(s) written, 0 removed");
  });

  it("after a retention purge keeps counts above the recount: purged rows were counted once and are gone", async () => {
    const today = await withCtx(async (ctx) => {
      await ctx.db.execute(sql`INSERT INTO retention_tombstones (case_id, rule, channel, team_id, final_state, opened_on, states, purged_on)
                               VALUES (gen_random_uuid(), 'closed_cases', 'web', 'intake', 'closed', current_date, '[]'::jsonb, current_date)`);
      const [row] = await rowsOf<{ day: string }>(ctx.db, sql`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM analytics_daily WHERE channel = 'web' AND metric = 'first_contact' AND day <> ${HISTORY_DAY}::date`);
      // The purged case's first contact, still in the rollup; and a cell the triggers missed.
      await ctx.db.execute(sql`UPDATE analytics_daily SET n = n + 1 WHERE day = ${row!.day}::date AND channel = 'web' AND metric = 'first_contact'`);
      await triggers(ctx, false);
      try {
        await workedCase(ctx, "telegram", 5);
      } finally {
        await triggers(ctx, true);
      }
      return row!.day;
    });
    const r = await cli("analytics", "rebuild-rollups");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("counts above the recount were kept");
    await withCtx(async (ctx) => {
      const stored = await storedDaily(ctx.db);
      const recount = await recountDaily(ctx.db);
      const n = (rows: typeof stored, channel: string) => rows.find((x) => x.day === today && x.channel === channel && x.metric === "first_contact")?.n;
      expect(n(stored, "web")).toBe(n(recount, "web")! + 1);
      expect(n(stored, "telegram")).toBe(n(recount, "telegram"));
    });
  });
});
