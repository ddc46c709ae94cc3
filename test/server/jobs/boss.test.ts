import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { freshContext } from "../../support/store.js";
import { createBoss } from "../../../src/server/jobs/boss.js";
import type { AppContext } from "../../../src/server/context.js";

let ctx: AppContext;
let cleanup: () => Promise<void>;
let boss: PgBoss;

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
  boss = createBoss(ctx.database, ctx.config.databaseUrl);
  await boss.start();
});
afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await cleanup();
});

describe(`pg-boss on ${process.env.TEST_STORE}`, () => {
  it("delivers a job to its worker, and retries a failing one", async () => {
    await boss.createQueue("test.echo", { name: "test.echo", retryLimit: 2, retryDelay: 0 });
    const seen: unknown[] = [];
    let attemptsOfTwo = 0;
    await boss.work<{ n: number }>("test.echo", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job!.data.n === 2 && ++attemptsOfTwo === 1) throw new Error("first attempt fails");
      seen.push(job!.data.n);
    });
    await boss.send("test.echo", { n: 1 });
    await boss.send("test.echo", { n: 2 });
    const deadline = Date.now() + 20_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seen.sort()).toEqual([1, 2]);
    expect(attemptsOfTwo).toBe(2);
  });
});
