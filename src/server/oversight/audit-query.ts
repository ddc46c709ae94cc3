import { and, desc, eq, gte, like, lt, sql, type SQL } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import type { AppContext } from "../context.js";
import { auditLog, cases, users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { plugPoint } from "../plug-point.js";
import type { AuditEntry, AuditFilter } from "../../shared/api/audit.js";

/**
 * Rows a capability keeps from a reader of the audit log (a secret reward claim's, from everyone
 * not on it): a condition true for the rows to hide from `viewerId`. Filled at start-up
 * (services.ts); unfilled, reading the log throws rather than show what it should not.
 */
export type AuditHiding = (viewerId: string) => SQL;
const hiding = plugPoint<AuditHiding>("audit hiding rule");
export const useAuditHiding = hiding.use;

/** The conditions of the audit page's filters, shared by the page and the CSV export. */
function filterWhere(f: AuditFilter): SQL[] {
  const where: (SQL | undefined)[] = [];
  if (f.actor) where.push(eq(auditLog.actorId, f.actor));
  // "case" matches every case action; "case.opened" that one only.
  if (f.action) where.push(f.action.includes(".") ? eq(auditLog.action, f.action) : like(auditLog.action, `${f.action}.%`));
  if (f.caseNumber !== undefined) {
    where.push(and(eq(auditLog.subjectType, "case"), sql`${auditLog.subjectId} IN (SELECT ${cases.id}::text FROM ${cases} WHERE ${cases.number} = ${f.caseNumber})`));
  }
  // Days are UTC days, inclusive at both ends.
  if (f.from) where.push(gte(auditLog.at, `${f.from}T00:00:00.000Z`));
  if (f.to) where.push(lt(auditLog.at, sql`(${f.to}::date + 1)::timestamptz`));
  return where.filter((w): w is SQL => w !== undefined);
}

/** Entries matching the filters, newest first, before sequence number `before`, with actor names and case numbers. */
export async function readAuditPage(ctx: AppContext, viewerId: string, f: AuditFilter & { before?: number | undefined; limit: number }): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  const where = filterWhere(f);
  // coalesce: a row without a subject has a NULL test, which must keep it, not drop it.
  where.push(sql`NOT coalesce(${hiding.get()(viewerId)}, false)`);
  if (f.before !== undefined) where.push(lt(auditLog.seq, f.before));
  const rows = await ctx.db
    .select({ entry: auditLog, actorName: users.displayName, caseNumber: cases.number })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(cases, and(eq(auditLog.subjectType, "case"), eq(sql`${cases.id}::text`, auditLog.subjectId)))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(f.limit);
  const items = rows.map((r) => ({
    seq: r.entry.seq,
    at: new Date(r.entry.at).toISOString(),
    actorId: r.entry.actorId,
    actorName: r.actorName,
    action: r.entry.action,
    subjectType: r.entry.subjectType,
    subjectId: r.entry.subjectId,
    caseNumber: r.caseNumber,
    details: r.entry.details,
  }));
  return { items, nextBefore: items.length === f.limit ? (items.at(-1)?.seq ?? null) : null };
}

const CSV_BATCH = 1000;
/** A bound on one export, so a single request cannot hold the server for ever. */
export const CSV_MAX_ROWS = 100_000;

/**
 * Export the filtered log: the export itself is audited first, with the filters it used, then
 * the rows stream out as CSV.
 */
export async function exportAuditCsv(ctx: AppContext, actorId: string, f: AuditFilter): Promise<AsyncGenerator<string>> {
  const filters = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "audit.exported", subjectType: "audit", details: filters }));
  return auditCsv(ctx, actorId, f);
}

/**
 * The filtered log as CSV, newest first, in batches (never the whole log in memory). Columns are
 * what the page shows; details stay JSON, as the server wrote them (ids and counts, no applicant data).
 */
export async function* auditCsv(ctx: AppContext, viewerId: string, f: AuditFilter): AsyncGenerator<string> {
  yield stringify([["seq", "at", "actor_id", "actor_name", "action", "subject_type", "subject_id", "case_number", "details"]]);
  let before: number | undefined;
  let sent = 0;
  for (;;) {
    const page = await readAuditPage(ctx, viewerId, { ...f, before, limit: CSV_BATCH });
    if (page.items.length === 0) return;
    yield stringify(page.items.map((e) => [e.seq, e.at, e.actorId ?? "", e.actorName ?? "", e.action, e.subjectType ?? "", e.subjectId ?? "", e.caseNumber ?? "", JSON.stringify(e.details)]));
    sent += page.items.length;
    if (page.nextBefore === null || sent >= CSV_MAX_ROWS) return;
    before = page.nextBefore;
  }
}
