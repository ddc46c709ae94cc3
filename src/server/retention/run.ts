import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { RETENTION_RULES } from "../../shared/api/retention.js";
import { readRules } from "./rules.js";
import { findDue, type DueItem } from "./due.js";
import { purgeCase, purgeMessages, removeFiles, sweepOrphanFiles } from "./purge.js";
import { scrubStorage } from "./scrub.js";

export interface RetentionRun {
  asOf: Date;
  items: DueItem[];
  held: number;
  casesPurged: number;
  messagesPurged: number;
  filesRemoved: number;
  failed: number;
}

/**
 * The retention run: the daily job, `safe-passage retention run` and the console's dry run. With
 * `dryRun` it only lists what is due (and counts what a hold keeps); otherwise it purges each due
 * case in its own transaction, so one failure stops nothing else and nothing half-done commits.
 */
export async function runRetention(ctx: AppContext, opts: { dryRun: boolean; actorId?: string | null }): Promise<RetentionRun> {
  const asOf = ctx.now();
  const { items, held } = await findDue(ctx.db, await readRules(ctx.db), asOf);
  const run: RetentionRun = { asOf, items, held, casesPurged: 0, messagesPurged: 0, filesRemoved: 0, failed: 0 };
  if (opts.dryRun) return run;
  const actorId = opts.actorId ?? null;
  for (const item of items) {
    try {
      if (RETENTION_RULES[item.rule].purges === "case") {
        const r = await purgeCase(ctx, item, actorId);
        if (r.purged) run.casesPurged++;
        run.filesRemoved += removeFiles(ctx, r.files);
      } else {
        const r = await purgeMessages(ctx, item, actorId);
        run.messagesPurged += r.messages;
        run.filesRemoved += removeFiles(ctx, r.files);
      }
    } catch (err) {
      // One case that cannot go (still linked to an open operation, say) stops nothing else; its
      // transaction rolled back whole, and the next run tries again.
      run.failed++;
      ctx.log.error({ err, event: "retention_case_failed", caseNumber: item.number }, "a due case was not purged");
    }
  }
  run.filesRemoved += await sweepOrphanFiles(ctx);
  if (run.casesPurged || run.messagesPurged) await scrubStorage(ctx);
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "retention.run", subjectType: "retention", subjectId: "run", details: { cases: run.casesPurged, messages: run.messagesPurged, files: run.filesRemoved, held, failed: run.failed } }),
  );
  ctx.log.info({ event: "retention_run", cases: run.casesPurged, messages: run.messagesPurged, files: run.filesRemoved, held }, "retention run finished");
  return run;
}
