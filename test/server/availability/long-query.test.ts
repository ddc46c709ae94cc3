import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { onPostgres } from "../../support/store.js";
import { teams } from "../../../src/server/db/schema.js";
import { rowsOf } from "../../../src/server/db/index.js";

/**
 * Issue 17: a query that holds the database must not hold the server. The embedded store runs
 * PGlite in a thread of its own; when it ran in the server's thread, one long query stopped every
 * request until it ended, the applicant site's included. Shown by order, not by time: the page
 * is answered while the query is still running.
 */
let store: StaffedStore<never>;

beforeAll(async () => {
  store = await staffedStore({ publicApp: true });
}, 120_000);
afterAll(async () => store.close());

describe(`a long query (${onPostgres() ? "PostgreSQL" : "PGlite"})`, () => {
  it("leaves the applicant site and the staff listener answering while it runs", async () => {
    let finished = false;
    const long = store.ctx.db.execute(sql`SELECT pg_sleep(3)`).then(() => (finished = true));
    // Timers run while it does: in the old single thread this waited the whole 3 s.
    await new Promise((r) => setTimeout(r, 200));
    expect(finished).toBe(false);
    const home = await store.publicApp!.inject({ method: "GET", url: "/" });
    expect(home.statusCode).toBe(200);
    const health = await store.app.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).toBe(200);
    expect(finished).toBe(false);
    await long;
    expect(finished).toBe(true);
  });

  it("keeps the database's own errors (the SQLSTATE callers act on) and rolls a failed transaction back whole", async () => {
    const dup = store.ctx.db.insert(teams).values({ id: "intake", publicKey: Buffer.alloc(32) });
    const err = await dup.then(() => null, (e: unknown) => e);
    const codes: unknown[] = [];
    for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) codes.push(e.code);
    expect(codes).toContain("23505");

    const marker = `rollback-probe-${Date.now()}`;
    await expect(
      store.ctx.db.transaction(async (tx) => {
        await tx.execute(sql`CREATE TEMP TABLE IF NOT EXISTS probe (v text)`);
        await tx.execute(sql`INSERT INTO probe VALUES (${marker})`);
        throw new Error("stop here");
      }),
    ).rejects.toThrow("stop here");
    const left = await rowsOf<{ t: string | null }>(store.ctx.db, sql`SELECT to_regclass('pg_temp.probe')::text AS t`);
    expect(left[0]!.t).toBeNull();
    // And the connection is usable after it.
    expect(await rowsOf<{ one: number }>(store.ctx.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});
