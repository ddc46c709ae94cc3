import type { Command } from "commander";
import type { ConfigFlags } from "../config.js";
import { withStorage, type WithContext } from "../cli-support.js";
import { runRetention } from "./run.js";

export function registerRetentionCommands(program: Command, withContext: WithContext) {
  const retention = program.command("retention").description("retention of case data");
  withStorage(retention.command("run").description("purge what the retention rules say is due (crypto-shredding); --dry-run only lists it"))
    .option("--dry-run", "list what is due without purging anything")
    .action(async (flags: ConfigFlags & { dryRun?: boolean }) =>
      withContext(flags, async (ctx) => {
        const run = await runRetention(ctx, { dryRun: Boolean(flags.dryRun) });
        console.log(`${flags.dryRun ? "due" : "purged"} as of ${run.asOf.toISOString()}:`);
        for (const i of run.items) console.log(`  case ${i.number}\t${i.state}\t${i.rule}\tdue since ${i.dueSince.toISOString().slice(0, 10)}`);
        if (!run.items.length) console.log("  nothing");
        console.log(`held: ${run.held}`);
        if (!flags.dryRun) console.log(`cases purged: ${run.casesPurged}, messages purged: ${run.messagesPurged}, files removed: ${run.filesRemoved}`);
      }),
    );
}
