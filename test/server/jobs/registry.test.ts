import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { freshContext } from "../../support/store.js";
import { createBoss } from "../../../src/server/jobs/boss.js";
import { JOBS, startJobs, type JobDecl } from "../../../src/server/jobs/registry.js";
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

async function runOnce(name: string): Promise<string> {
  const id = (await boss.send(name, {}))!;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await boss.getJobById(name, id, { includeArchive: true });
    if (job && ["completed", "failed"].includes(job.state)) return job.state;
    if (Date.now() > deadline) throw new Error(`${name} did not run`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`the job registry on ${process.env.TEST_STORE}`, () => {
  it("schedules every declared job and runs each one to completion", async () => {
    await startJobs(ctx, boss);
    const schedules = await boss.getSchedules();
    for (const job of JOBS) expect(schedules.find((s) => s.name === job.name)?.cron).toBe(job.cron);
    for (const job of JOBS) expect([job.name, await runOnce(job.name)]).toEqual([job.name, "completed"]);
  });

  it("retries a failing job (the same mechanism for everything retried)", async () => {
    let attempts = 0;
    const flaky: JobDecl = {
      name: "test.flaky",
      cron: "0 3 * * *",
      run: async () => {
        if (++attempts === 1) throw new Error("first attempt fails");
      },
    };
    await startJobs(ctx, boss, [flaky]);
    await boss.updateQueue("test.flaky", { name: "test.flaky", retryLimit: 2, retryDelay: 0, retryBackoff: false });
    expect(await runOnce("test.flaky")).toBe("completed");
    expect(attempts).toBe(2);
  });
});
