import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rowsOf } from "../db/index.js";

/** Where a purged case's rows lived (the capability tables of its cascade included, when they exist). */
const TABLES = ["cases", "case_grants", "case_sections", "messages", "blind_indexes", "attachments", "case_events", "channel_contacts", "channel_dialogs", "channel_message_refs", "channel_outbox", "calls", "callbacks", "applicant_sessions", "legal_holds"];

/**
 * Deleted rows are not gone from the disk: their tuples stay in the table's pages until vacuum,
 * and plain VACUUM only marks the space free without overwriting it. So after a run that
 * destroyed something, the tables it touched are rewritten (VACUUM FULL: new files, the old ones
 * unlinked), then the write-ahead log is moved on past the deletes and checkpointed, so the
 * segments that still hold the old rows are recycled. VACUUM FULL locks each table while it is
 * rewritten (seconds at a hotline's size), which is why the job runs at night.
 *
 * On PostgreSQL the WAL switch needs a privilege the application role may not have: then the
 * old segments go when the server recycles them (the README says what a DBA should set), and
 * the run says so in the log.
 */
export async function scrubStorage(ctx: AppContext): Promise<void> {
  const existing = new Set((await rowsOf<{ tablename: string }>(ctx.db, sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)).map((r) => r.tablename));
  for (const t of TABLES) if (existing.has(t)) await ctx.db.execute(sql.raw(`VACUUM FULL ${t}`));
  try {
    await ctx.db.execute(sql`CHECKPOINT`);
    await ctx.db.execute(sql`SELECT pg_switch_wal()`);
    await ctx.db.execute(sql`CHECKPOINT`);
  } catch (err) {
    ctx.log.warn({ err, event: "retention_wal_not_switched" }, "the write-ahead log was not switched after a purge; old segments go when the server recycles them");
  }
}
