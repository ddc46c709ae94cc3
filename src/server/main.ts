import { Command, Option } from "commander";
import { sql } from "drizzle-orm";
import { loadConfig, type ConfigFlags } from "./config.js";
import { openContext } from "./services.js";
import { serve } from "./serve.js";
import { deploymentProblems } from "./deployment-checks.js";
import { migrate, openDatabase } from "./db/index.js";
import { users } from "./db/schema.js";
import { inviteStaff } from "./auth/setup-links.js";
import { changeStaffRole, disableStaff, listStaff } from "./staff/commands.js";
import { describeAnchorCoverage, describeAuditProblem, verifyAuditChain } from "./audit/log.js";
import { auditAnchorFile, readAuditAnchor, writeAuditAnchor } from "./audit/anchor.js";
import { loadDemoData } from "./demo/load.js";
import { registerBackupCommands } from "./backup/cli.js";
import { registerRetentionCommands } from "./retention/cli.js";
import { initEscrow } from "./keys/recovery.js";
import { checkKeyRows } from "./keys/pinned.js";
import { recoverStaffKey, resetStaffKeyWithLoss } from "./staff/key-recovery.js";
import { ROLES, type Role } from "../shared/roles.js";
import type { AppContext } from "./context.js";
import { registerTelegramCommands } from "./channels/telegram/cli.js";
import { registerAnalyticsCommands } from "./analytics/cli.js";
import { registerRewardsCommands } from "./rewards/cli.js";

import { withStorage, type WithContext } from "./cli-support.js";

/** Open the context for one data command and close it after, whatever the command does. */
const withContext: WithContext = async (flags, fn) => {
  const ctx = await openContext(loadConfig({ ...flags, logLevel: flags.logLevel ?? "warn" }));
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
};

const program = new Command("safe-passage").description("Safe Passage: secure intake and case management for a safe-surrender hotline");

async function userId(ctx: AppContext, username: string): Promise<string> {
  const [u] = await ctx.db.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${username})`);
  if (!u) throw new Error(`no staff member named ${username}`);
  return u.id;
}

const roleOption = () => new Option("--role <role>", "staff role").choices(ROLES as unknown as string[]).makeOptionMandatory();

withStorage(program.command("serve").description("run both listeners (applicant pages and staff console)"))
  .option("--host <host>", "address of the public listener (env HOST, default 127.0.0.1)")
  .option("--staff-host <host>", "address of the staff listener (env STAFF_HOST, default 127.0.0.1): keep it off the public network")
  .option("--setup-link-file <file>", "write the first administrator's one-time link to this file (mode 0600) instead of stdout (env SAFE_PASSAGE_SETUP_LINK_FILE)")
  .option("--port <port>", "public listener port (env PORT, default 8080)")
  .option("--staff-port <port>", "staff listener port (env STAFF_PORT, default 8081)")
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const problems = deploymentProblems(config);
    if (problems.length > 0) throw new Error(`refusing to start:\n  - ${problems.join("\n  - ")}`);
    const ctx = await openContext(config);
    const running = await serve(ctx);
    const stop = (signal: string) => {
      ctx.log.info({ event: "shutdown", signal }, "stopping");
      void running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

withStorage(program.command("migrate").description("apply pending database migrations")).action(async (flags: ConfigFlags) => {
  const config = loadConfig(flags);
  const database = await openDatabase({ dbDir: config.dbDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await migrate(database);
    console.log(`migrations applied (${database.kind})`);
  } finally {
    await database.close();
  }
});

const user = program.command("user").description("manage staff accounts");
withStorage(user.command("add").description("invite a staff member: prints a one-time link to set a password and enrol 2FA"))
  .requiredOption("--username <name>", "login name")
  .addOption(roleOption())
  .action(async (flags: ConfigFlags & { username: string; role: Role }) =>
    withContext(flags, async (ctx) => {
      const r = await inviteStaff(ctx, { role: flags.role, username: flags.username, invitedBy: null });
      console.log(`Invitation for ${flags.username} (${flags.role}), valid until ${r.expiresAt.toISOString()}:\n  ${r.link}`);
    }),
  );
withStorage(user.command("list").description("list staff accounts")).action(async (flags: ConfigFlags) =>
  withContext(flags, async (ctx) => {
    for (const u of await listStaff(ctx)) {
      console.log([u.username.padEnd(20), u.role.padEnd(22), u.totpEnabled ? "2fa" : "no-2fa", u.disabledAt ? "disabled" : "active"].join(" "));
    }
  }),
);
withStorage(user.command("disable").description("disable an account and end its sessions").argument("<username>")).action(async (username: string, flags: ConfigFlags) =>
  withContext(flags, async (ctx) => {
    await disableStaff(ctx, null, await userId(ctx, username));
    console.log(`${username} disabled`);
  }),
);
withStorage(user.command("set-role").description("change an account's role").argument("<username>").addOption(roleOption())).action(
  async (username: string, flags: ConfigFlags & { role: Role }) =>
    withContext(flags, async (ctx) => {
      await changeStaffRole(ctx, null, await userId(ctx, username), flags.role);
      console.log(`${username} is now ${flags.role}`);
    }),
);

const audit = program.command("audit").description("the audit log");
withStorage(audit.command("verify").description("check the hash chain against the anchor kept outside the database; reports the first edited, inserted or deleted row"))
  .option("--anchor <file>", "an anchor file to check against (default: audit-anchor.json beside the key file; give a copy shipped off the machine)")
  .action(async (flags: ConfigFlags & { anchor?: string }) =>
    withContext(flags, async (ctx) => {
      const key = ctx.keys.subkey("audit");
      const ownAnchor = auditAnchorFile(ctx.config.keyFile);
      const anchor = readAuditAnchor(flags.anchor ?? ownAnchor, key);
      const r = await verifyAuditChain(ctx.db, key, undefined, anchor);
      if (r.problem) {
        console.log(`audit log TAMPERED: ${describeAuditProblem(r.problem)}`);
        process.exitCode = 1;
        return;
      }
      console.log(`audit log intact: ${r.rows} rows; ${describeAnchorCoverage(r)}`);
      // An intact chain moves the anchor forward, so the next check proves these rows too.
      const moved = await writeAuditAnchor(ctx.db, key, ownAnchor, ctx.now());
      if (moved) console.log(`anchor now at row ${moved.seq} (${ownAnchor})`);
    }),
  );

const keys = program.command("keys").description("staff key escrow, recovery and integrity");
const escrow = keys.command("escrow").description("the organisation escrow key");
withStorage(escrow.command("init").description("create the escrow key pair and print its private key as threshold shares (never stored)"))
  .option("--shares <n>", "number of shares to print", "3")
  .option("--threshold <t>", "shares needed to rebuild the key", "2")
  .action(async (flags: ConfigFlags & { shares: string; threshold: string }) =>
    withContext(flags, async (ctx) => {
      const setup = await initEscrow(ctx, Number(flags.shares), Number(flags.threshold));
      console.log(`Escrow key ${setup.keyId}: ${flags.threshold} of these ${flags.shares} shares rebuild it. Give each to a different officer; print, do not store:`);
      for (const share of setup.shares) console.log(`  ${share}`);
      console.log("Each staff key gets an escrow copy at its owner's next sign-in.");
    }),
  );
withStorage(keys.command("check").description("check the MAC of every public-key row (staff, team, escrow): a row planted by a database writer shows here")).action(async (flags: ConfigFlags) =>
  withContext(flags, async (ctx) => {
    const r = await checkKeyRows(ctx.db, ctx.keys);
    if (r.ok) console.log("key rows intact: every staff, team and escrow public key carries a valid MAC");
    else {
      console.log(`key rows TAMPERED: ${r.bad.join(", ")}. Nothing is sealed to these keys; restore the rows from a backup made before the break-in, or rotate the team keys.`);
      process.exitCode = 1;
    }
  }),
);
withStorage(keys.command("recover").description("restore a staff member's key after a forgotten password, with his recovery key or escrow shares"))
  .requiredOption("--user <username>", "whose key")
  .option("--recovery-key <key>", "the printed recovery key")
  .option("--share <share...>", "escrow shares (as many as the threshold)")
  .action(async (flags: ConfigFlags & { user: string; recoveryKey?: string; share?: string[] }) =>
    withContext(flags, async (ctx) => {
      if (!flags.recoveryKey && !flags.share?.length) throw new Error("give --recovery-key or --share");
      const password = await readNewPassword();
      await recoverStaffKey(ctx, flags.user, flags.recoveryKey ? { recoveryKey: flags.recoveryKey } : { shares: flags.share! }, password);
      console.log(`${flags.user}: key recovered; the new password is set and every case sealed to the old key still opens.`);
    }),
  );
withStorage(keys.command("reset").description("LAST RESORT: new key and password, losing everything sealed only to the old key (audited)"))
  .requiredOption("--user <username>", "whose key")
  .option("--accept-key-loss", "confirm that cases sealed only to this person become unreadable to him")
  .action(async (flags: ConfigFlags & { user: string; acceptKeyLoss?: boolean }) =>
    withContext(flags, async (ctx) => {
      if (!flags.acceptKeyLoss) throw new Error("this destroys access; repeat with --accept-key-loss if there is truly no recovery key and no escrow");
      const r = await resetStaffKeyWithLoss(ctx, flags.user, await readNewPassword());
      console.log(`${flags.user}: new key. ${r.personalGrantsLost} personal case grant(s) lost; team keys will be sealed again by a key holder.`);
      console.log(`New recovery key (print it, keep it safe; shown once): ${r.recoveryKey}`);
    }),
  );

/** The new password comes from SAFE_PASSAGE_NEW_PASSWORD or the first line of stdin, never a flag (shell history). */
async function readNewPassword(): Promise<string> {
  let pw = process.env.SAFE_PASSAGE_NEW_PASSWORD;
  if (!pw) {
    process.stderr.write("New password (12+ characters), then Enter: ");
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) {
      chunks.push(c as Buffer);
      if (Buffer.concat(chunks).includes(10)) break;
    }
    pw = Buffer.concat(chunks).toString("utf8").split("\n")[0]!.trimEnd();
  }
  if (pw.length < 12) throw new Error("the new password must have at least 12 characters");
  return pw;
}

registerBackupCommands(program, withContext);
registerRetentionCommands(program, withContext);

withStorage(program.command("demo").description("load a realistic demo hotline into an empty store: staff accounts and hundreds of cases on every channel"))
  .option("--cases <n>", "number of demo requests (default 320; 12 when SAFE_PASSAGE_ENV=test, to keep test runs quick)")
  .action(async (flags: ConfigFlags & { cases?: string }) =>
    withContext(flags, async (ctx) => {
      const cases = flags.cases !== undefined ? Number(flags.cases) : process.env.SAFE_PASSAGE_ENV === "test" ? 12 : 320;
      if (!Number.isInteger(cases) || cases < 0 || cases > 100_000) throw new Error("--cases must be a whole number from 0 to 100000");
      const summary = await loadDemoData(ctx, { cases });
      console.log(summary);
    }),
  );

registerTelegramCommands(program);
registerAnalyticsCommands(program, withContext);
registerRewardsCommands(program, withContext);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`safe-passage: ${err.message}`);
  process.exit(1);
});

