import fs from "node:fs";
import type { AppContext } from "./context.js";
import { buildPublicApp, buildStaffApp } from "./app.js";
import { issueFirstAdminLink } from "./auth/setup-links.js";
import { createBoss } from "./jobs/boss.js";
import { startJobs } from "./jobs/registry.js";
import { startOutboxWorker } from "./channels/outbox/worker.js";
import { auditAnchorFile, writeAuditAnchor } from "./audit/anchor.js";
import { ledgerAnchorFile, writeLedgerAnchor } from "./rewards/index.js";
import { addReadinessProbe } from "./metrics/readiness.js";

export interface Running {
  publicUrl: string;
  staffUrl: string;
  stop(): Promise<void>;
}

/**
 * Start both listeners and the job runner. On SIGTERM/SIGINT (wired by the CLI) `stop` closes the
 * listeners first (in-flight requests finish), then the jobs, then checkpoints and closes the store.
 */
export async function serve(ctx: AppContext): Promise<Running> {
  const boss = createBoss(ctx.database, ctx.config.databaseUrl);
  boss.on("error", (err: Error) => ctx.log.error({ err }, "job runner error"));
  await boss.start();
  await startJobs(ctx, boss);
  addReadinessProbe(ctx, "jobs", async () => {
    await boss.getQueues();
  });
  // Not a pg-boss job on purpose: the anchor belongs to this machine's key directory, so every
  // instance writes its own, while a scheduled job runs on one instance only. The audit head, copied out of the database every minute and at shutdown (audit/anchor.ts).
  // The reward ledger's head is anchored beside it the same way.
  const anchor = () =>
    Promise.all([
      writeAuditAnchor(ctx.db, ctx.keys.subkey("audit"), auditAnchorFile(ctx.config.keyFile), ctx.now()).catch((err: Error) => ctx.log.error({ err }, "audit anchor not written")),
      writeLedgerAnchor(ctx.db, ctx.keys.subkey("ledger"), ledgerAnchorFile(ctx.config.keyFile), ctx.now()).catch((err: Error) => ctx.log.error({ err }, "ledger anchor not written")),
    ]);
  await anchor();
  const anchorTimer = setInterval(() => void anchor(), 60_000);
  anchorTimer.unref();

  const publicApp = await buildPublicApp(ctx);
  const staffApp = await buildStaffApp(ctx);
  const outbox = startOutboxWorker(ctx);
  const publicUrl = await publicApp.listen({ host: ctx.config.host, port: ctx.config.port });
  const staffUrl = await staffApp.listen({ host: ctx.config.staffHost, port: ctx.config.staffPort });
  const portOf = (a: ReturnType<typeof publicApp.server.address>) => (typeof a === "object" && a ? a.port : null);
  ctx.log.info({ event: "listening", publicPort: portOf(publicApp.server.address()), staffPort: portOf(staffApp.server.address()) }, "Safe Passage is up");

  const firstAdminLink = await issueFirstAdminLink(ctx);
  if (firstAdminLink) announceFirstAdminLink(ctx, firstAdminLink);

  let stopping: Promise<void> | null = null;
  return {
    publicUrl,
    staffUrl,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(anchorTimer);
        await Promise.allSettled([publicApp.close(), staffApp.close()]);
        await anchor();
        await outbox.stop();
        await boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
        await ctx.database.close();
      })()),
  };
}

/**
 * A staff secret, not applicant data: never logged. With --setup-link-file it goes to a file only
 * the service account can read (a terminal or a journal collecting stdout may be read by others);
 * otherwise it is printed once to the operator's terminal.
 */
function announceFirstAdminLink(ctx: AppContext, link: string) {
  const file = ctx.config.setupLinkFile;
  if (!file) {
    process.stdout.write(`\nNo staff accounts yet. Create the first administrator with this one-time link (valid 24 h):\n  ${link}\n\n`);
    return;
  }
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${link}\n`, { mode: 0o600, flag: "wx" });
  process.stdout.write(`\nNo staff accounts yet. The one-time link to create the first administrator (valid 24 h) is in ${file}; delete the file once used.\n\n`);
}
