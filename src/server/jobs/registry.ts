import type PgBoss from "pg-boss";
import { oneInstanceAtATime } from "../db/index.js";
import type { AppContext } from "../context.js";
import { purgeExpiredSessions } from "../auth/sessions.js";
import { sessionLimits } from "../auth/enrolment.js";
import { pruneChannels } from "../channels/outbox/worker.js";
import { metricsFor } from "../metrics/metrics.js";
import { runRetention } from "../retention/index.js";
import { releaseDueReminders } from "../operations/run.js";

/**
 * Everything the server does on a schedule or retries, declared in one list with its schedule
 * (cron, in UTC) and run by pg-boss, which keeps one run at a time across instances and retries
 * a failed one. The purge and retention jobs to come are added here.
 *
 * Not here, on purpose: the channel outbox keeps its own delivery loop (channels/outbox/worker.ts).
 * A reply must leave within a moment of its commit (the loop is woken in-process, `wakeOutbox`),
 * and the loop claims rows with FOR UPDATE SKIP LOCKED in per-chat order, which a job per row
 * would only wrap; a pg-boss worker polls at best every half second on top of that.
 * Response times (SLA) need no job: due times are computed in the queries (cases/sla.ts).
 */
export interface JobDecl {
  name: string;
  cron: string;
  run(ctx: AppContext): Promise<unknown>;
}

export const JOBS: readonly JobDecl[] = [
  { name: "maintenance.purge-sessions", cron: "*/10 * * * *", run: (ctx) => purgeExpiredSessions(ctx.db, sessionLimits(ctx), ctx.now()) },
  // Processed-update markers and abandoned bot questionnaires.
  { name: "channels.prune", cron: "17 * * * *", run: (ctx) => pruneChannels(ctx) },
  // Destruction of what the retention rules say is due, at night (Kyiv), when few people work.
  { name: "retention.run", cron: "30 1 * * *", run: (ctx) => runRetention(ctx, { dryRun: false }) },
  // Handover reminders (T-2 h, T-30 min...): releases the outbox rows held for them when due.
  { name: "operations.reminders", cron: "* * * * *", run: (ctx) => releaseDueReminders(ctx) },
];

const RETRY = { retryLimit: 3, retryDelay: 60, retryBackoff: true } as const;

/** Create each job's queue, its worker and its schedule. Idempotent: every instance calls it at start. */
export async function startJobs(ctx: AppContext, boss: PgBoss, jobs: readonly JobDecl[] = JOBS): Promise<void> {
  // pg-boss's create_queue is not safe from two instances at once: both create the queue's
  // partition and PostgreSQL answers one "deadlock detected", which stopped that server at start
  // (found by test/server/two-instances.test.ts).
  await oneInstanceAtATime(ctx.database, "jobs.create-queues", async () => {
    for (const job of jobs) if (!(await boss.getQueue(job.name))) await boss.createQueue(job.name, { name: job.name, policy: "singleton", ...RETRY });
  });
  for (const job of jobs) {
    await boss.work(job.name, async () => {
      try {
        await job.run(ctx);
      } catch (err) {
        metricsFor(ctx).jobFailures.inc({ job: job.name });
        throw err; // pg-boss retries it (RETRY)
      }
    });
    await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
  }
}
