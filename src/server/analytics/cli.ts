import type { Command } from "commander";
import { estimateImpact, ImpactInputError } from "./impact.js";
import { readSeriesFile } from "./series-file.js";
import { importHistory } from "./history.js";
import { rebuildRollups } from "./rebuild.js";
import { withStorage, type WithContext } from "../cli-support.js";
import type { ConfigFlags } from "../config.js";

const wholeNumber = (flag: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new ImpactInputError(`${flag} must be a whole number`);
  return Number(v);
};

/**
 * `analytics impact`: the event-impact estimate on any daily series, so analysts can check it
 * against published figures. Reads no database. Bad input: a clear message and exit code 2.
 */
export function registerAnalyticsCommands(program: Command, withContext: WithContext) {
  const analytics = program.command("analytics").description("the numbers: estimates on any series, and the store's history");
  analytics
    .command("impact")
    .description("did an event change daily requests? uplift over the first days, with a 95 % interval, a p-value and the change point")
    .requiredOption("--series <file>", 'CSV with the header "date,count", one row a day')
    .requiredOption("--event <YYYY-MM-DD>", "the event day (the first day of the window)")
    .option("--days <n>", "days from the event to measure (1 answers 'in one day')", "7")
    .option("--baseline-days <n>", "days before the event the counterfactual is fitted on", "56")
    .option("--json", "print one JSON object")
    .action((flags: { series: string; event: string; days: string; baselineDays: string; json?: boolean }) => {
      try {
        const { dates, counts } = readSeriesFile(flags.series);
        const r = estimateImpact(dates, counts, flags.event, { days: wholeNumber("--days")(flags.days), baselineDays: wholeNumber("--baseline-days")(flags.baselineDays) });
        const { window: _window, ...summary } = r;
        if (flags.json) {
          console.log(JSON.stringify(summary));
          return;
        }
        console.log(`event ${r.event}: over ${r.days} day(s), ${r.uplift_pct >= 0 ? "+" : ""}${r.uplift_pct} % against a counterfactual fitted on the days before`);
        console.log(`  95 % interval ${r.ci95[0]} % to ${r.ci95[1]} %, p = ${r.p_value}; baseline ${r.baseline_per_day} a day`);
        console.log(`  change point: ${r.changepoint ?? "none found"}`);
      } catch (err) {
        if (!(err instanceof ImpactInputError)) throw err;
        console.error(`safe-passage analytics impact: ${err.message}`);
        process.exitCode = 2;
      }
    });
  withStorage(analytics.command("import-history").description("add first contacts a day counted before this system (CSV date,count) to the charts; days the store counts itself are refused"))
    .requiredOption("--series <file>", 'CSV with the header "date,count", one row a day')
    .option("--channel <channel>", "the channel they came on", "web")
    .action(async (flags: ConfigFlags & { series: string; channel: string }) => {
      try {
        const { dates, counts } = readSeriesFile(flags.series);
        const n = await withContext(flags, (ctx) => importHistory(ctx, flags.channel, dates, counts));
        console.log(`${n} day(s) imported for ${flags.channel}`);
      } catch (err) {
        if (!(err instanceof ImpactInputError)) throw err;
        console.error(`safe-passage analytics import-history: ${err.message}`);
        process.exitCode = 2;
      }
    });
  withStorage(analytics.command("rebuild-rollups").description("recount the daily rollups from channels, directions, states and times (a store restored from an old backup, or after the triggers were off); audited"))
    .action(async (flags: ConfigFlags) => {
      const r = await withContext(flags, (ctx) => rebuildRollups(ctx));
      console.log(`rollups rebuilt: ${r.written} row(s) written, ${r.removed} removed, in ${(r.ms / 1000).toFixed(1)} s`);
      if (r.keptHigher) console.log("  the retention purge has deleted rows here: counts above the recount were kept (the purged rows were counted once)");
    });
}
