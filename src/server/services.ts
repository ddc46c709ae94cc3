import fs from "node:fs";
import type { Config } from "./config.js";
import type { AppContext } from "./context.js";
import { migrate, openDatabase } from "./db/index.js";
import { loadOrCreateServerKey } from "./crypto/server-key.js";
import { pinKeyRowsOnce } from "./keys/pinned.js";
import { createLogger } from "./log.js";
import { useApplicantSide, useReplyDispatch } from "./cases/index.js";
import { queueChannelReply, wakeOutbox } from "./channels/outbox/outbox.js";
import { useScheduleSource } from "./intake/choices.js";
import { operationsApplicantSide } from "./operations/applicant.js";
import { auditHidingOfSecretClaims, publicScheduleInForce } from "./rewards/index.js";
import { useAuditHiding } from "./oversight/audit-query.js";
import { useTeamSealedData } from "./keys/teams.js";
import { resealWatchlist } from "./verification/watchlist-reseal.js";

/** Open the store, apply pending migrations, load keys: what every command that touches data needs. */
export async function openContext(config: Config, opts: { migrate?: boolean } = {}): Promise<AppContext> {
  // Staff replies leave through the channels' outbox (the case core does not import channels).
  useReplyDispatch({ queue: queueChannelReply, wake: wakeOutbox });
  // The capabilities plug into the layers below them here, so those import none of them: the
  // applicant's confirmation and /return view from operations, the public price list and the audit log's hiding of secret claims from rewards.
  useApplicantSide(operationsApplicantSide);
  useScheduleSource((ctx, day) => publicScheduleInForce(ctx.db, day));
  // A secret reward claim leaves no trace in the audit log's page or export for those not on it.
  useAuditHiding(auditHidingOfSecretClaims);
  // A team key's rotation carries over what verification sealed to the team itself (the watchlist's clear values).
  useTeamSealedData(resealWatchlist);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const log = createLogger({ level: config.logLevel, ...(process.env.SAFE_PASSAGE_LOG_FILE ? { destination: process.env.SAFE_PASSAGE_LOG_FILE } : {}) });
  // The key file first: one with loose permissions is refused at once, not after the migrations.
  const keys = loadOrCreateServerKey(config.keyFile);
  const database = await openDatabase({ dbDir: config.dbDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    if (opts.migrate !== false) {
      await migrate(database);
      const pinned = await pinKeyRowsOnce(database.db, keys);
      if (pinned.pinned && pinned.staff + pinned.teams + pinned.escrow > 0) log.warn({ ...pinned }, "key rows from before MACs were pinned once (audited as keys.rows_pinned)");
    }
    return { config, database, db: database.db, keys, log, now: () => new Date() };
  } catch (err) {
    await database.close();
    throw err;
  }
}
