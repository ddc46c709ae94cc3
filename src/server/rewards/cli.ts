import type { Command } from "commander";
import type { ConfigFlags } from "../config.js";
import { withStorage, type WithContext } from "../cli-support.js";
import { describeAnchorCoverage, describeChainProblem } from "../audit/chain.js";
import { ledgerAnchorFile, readLedgerAnchor, verifyLedger, writeLedgerAnchor } from "./ledger.js";

/** `safe-passage rewards verify`: the ledger's chain against its anchor, as `audit verify` does for the audit log. */
export function registerRewardsCommands(program: Command, withContext: WithContext) {
  const rewards = program.command("rewards").description("the reward ledger");
  withStorage(rewards.command("verify").description("check the ledger's MAC chain against the anchor kept outside the database; reports the first edited, inserted or deleted entry"))
    .option("--anchor <file>", "an anchor file to check against (default: rewards-ledger-anchor.json beside the key file)")
    .action(async (flags: ConfigFlags & { anchor?: string }) =>
      withContext(flags, async (ctx) => {
        const key = ctx.keys.subkey("ledger");
        const own = ledgerAnchorFile(ctx.config.keyFile);
        const r = await verifyLedger(ctx.db, key, readLedgerAnchor(flags.anchor ?? own, key));
        if (r.problem) {
          console.log(`reward ledger TAMPERED: ${describeChainProblem(r.problem)}`);
          process.exitCode = 1;
          return;
        }
        console.log(`reward ledger intact: ${r.rows} entries; ${describeAnchorCoverage(r, "ledger")}`);
        const moved = await writeLedgerAnchor(ctx.db, key, own, ctx.now());
        if (moved) console.log(`anchor now at entry ${moved.seq} (${own})`);
      }),
    );
}
