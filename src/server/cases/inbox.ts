import { and, asc, desc, eq, gt, isNull, lt, not, or, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases, users } from "../db/schema.js";
import type { SessionUser } from "../auth/sessions.js";
import type { CaseState, Channel, TeamId } from "../../shared/case-states.js";
import { AppError } from "../errors.js";
import { caseScope } from "./access.js";
import { AWAITING, dueAtSql, readSla, type Sla } from "./sla.js";

export interface InboxFilters {
  state?: CaseState;
  channel?: Channel;
  team?: TeamId;
  assigned?: "me" | "none" | "any";
  /** Only cases whose answer is overdue. */
  overdue?: boolean;
  /** Only cases with unread applicant messages. */
  unread?: boolean;
  cursor?: string;
  limit: number;
}

export interface InboxRow {
  row: typeof cases.$inferSelect;
  assigneeName: string | null;
  /** When the next answer is due (ms since epoch); null when nobody waits for one. */
  dueAtMs: number | null;
}

/** Where a page ended: in the "waiting for a reply" part (ordered by due time) or in the rest (by last activity). */
type Cursor = { phase: "a" | "b"; key: string; id: string };

const UTC_TEXT = (expr: SQL) => sql<string>`to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.phase}|${c.key}|${c.id}`).toString("base64url");
}

function decodeCursor(s: string): Cursor {
  const [phase, key, id] = Buffer.from(s, "base64url").toString("utf8").split("|");
  if ((phase !== "a" && phase !== "b") || !key || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(key) || !id || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new AppError("validation_failed", "bad cursor", [{ path: "cursor", message: "not a cursor from this list" }]);
  }
  return { phase, key, id };
}

/** Scope and filters shared by both parts of the inbox. */
function baseWhere(user: SessionUser, f: InboxFilters): SQL[] {
  const where: (SQL | undefined)[] = [caseScope(user)];
  // Finished cases are out of the working view; they are still one state filter away.
  if (f.state) where.push(eq(cases.state, f.state));
  else where.push(sql`${cases.state} NOT IN ('merged', 'closed', 'rejected')`);
  if (f.channel) where.push(eq(cases.channel, f.channel));
  if (f.team) where.push(eq(cases.teamId, f.team));
  if (f.assigned === "me") where.push(eq(cases.assignedUserId, user.id));
  if (f.assigned === "none") where.push(isNull(cases.assignedUserId));
  if (f.unread) where.push(gt(cases.unreadCount, 0));
  return where.filter((w): w is SQL => w !== undefined);
}

/**
 * The inbox: cases in the user's scope, those waiting for an answer first (overdue at the top,
 * then by due time), then the rest by latest activity. Keyset pages: a cursor says where the
 * previous page stopped. No identities here: who and the last message are added per viewer
 * (inbox-preview.ts), only for cases whose key he holds.
 */
export async function listInbox(ctx: AppContext, user: SessionUser, f: InboxFilters, sla?: Sla): Promise<{ items: InboxRow[]; nextCursor: string | null }> {
  sla ??= await readSla(ctx.db);
  const cursor = f.cursor ? decodeCursor(f.cursor) : null;
  const now = ctx.now();
  const due = dueAtSql(sla);
  const items: InboxRow[] = [];
  let last: Cursor | null = null;

  if (!cursor || cursor.phase === "a") {
    const where = [...baseWhere(user, f), AWAITING];
    if (f.overdue) where.push(sql`${due} < ${now.toISOString()}::timestamptz`);
    if (cursor) where.push(sql`(${due}, ${cases.id}) > (${cursor.key}::timestamptz, ${cursor.id}::uuid)`);
    // Order the waiting cases from the covering partial index alone (cases_awaiting_idx), then
    // fetch the page's rows: a million-case table is touched fifty times, not thousands.
    const rows = await ctx.db.transaction(async (tx) => {
      // The planner cannot estimate the partial index's predicate and expects a quarter of the
      // table where about one case in a hundred waits; it then starts parallel workers, which cost
      // more than the whole scan. This read is small by construction: no parallel plan.
      await tx.execute(sql`SET LOCAL max_parallel_workers_per_gather = 0`);
      const top = tx.select({ id: cases.id, due: sql<string>`${due}`.as("due") }).from(cases).where(and(...where)).orderBy(asc(due), asc(cases.id)).limit(f.limit).as("top");
      return tx
        .select({ row: cases, assigneeName: users.displayName, dueAtMs: sql<number>`(extract(epoch from ${top.due}) * 1000)::float8`.mapWith(Number), key: UTC_TEXT(sql`${top.due}`) })
        .from(top)
        .innerJoin(cases, eq(cases.id, top.id))
        .leftJoin(users, eq(users.id, cases.assignedUserId))
        .orderBy(asc(top.due), asc(cases.id));
    });
    for (const r of rows) items.push({ row: r.row, assigneeName: r.assigneeName, dueAtMs: r.dueAtMs });
    const tail = rows.at(-1);
    if (tail) last = { phase: "a", key: tail.key, id: tail.row.id };
  }

  const room = f.limit - items.length;
  if (room > 0 && !f.overdue) {
    const where = [...baseWhere(user, f), not(AWAITING)];
    if (cursor?.phase === "b") where.push(or(lt(cases.updatedAt, sql`${cursor.key}::timestamptz`), and(eq(cases.updatedAt, sql`${cursor.key}::timestamptz`), lt(cases.id, cursor.id)))!);
    const rows = await ctx.db
      .select({ row: cases, assigneeName: users.displayName, key: UTC_TEXT(sql`${cases.updatedAt}`) })
      .from(cases)
      .leftJoin(users, eq(users.id, cases.assignedUserId))
      .where(and(...where))
      .orderBy(desc(cases.updatedAt), desc(cases.id))
      .limit(room);
    for (const r of rows) items.push({ row: r.row, assigneeName: r.assigneeName, dueAtMs: null });
    const tail = rows.at(-1);
    if (tail) last = { phase: "b", key: tail.key, id: tail.row.id };
    else if (items.length < f.limit) last = null;
  } else if (room > 0) {
    last = null;
  }
  return { items, nextCursor: items.length === f.limit && last ? encodeCursor(last) : null };
}

/** What the inbox header shows: how many cases wait for an answer, how many are late, how many unread. */
export async function inboxCounts(ctx: AppContext, user: SessionUser, sla?: Sla) {
  sla ??= await readSla(ctx.db);
  const now = ctx.now().toISOString();
  const scope = caseScope(user);
  const [waiting] = await ctx.db
    .select({
      awaiting: sql<number>`count(*)::int`,
      overdue: sql<number>`count(*) FILTER (WHERE ${dueAtSql(sla)} < ${now}::timestamptz)::int`,
      mine: sql<number>`count(*) FILTER (WHERE ${cases.assignedUserId} = ${user.id})::int`,
    })
    .from(cases)
    .where(and(scope, AWAITING));
  const [unread] = await ctx.db
    .select({ cases: sql<number>`count(*)::int`, messages: sql<number>`coalesce(sum(${cases.unreadCount}), 0)::int` })
    .from(cases)
    .where(and(scope, gt(cases.unreadCount, 0)));
  return { awaiting: waiting?.awaiting ?? 0, overdue: waiting?.overdue ?? 0, awaitingMine: waiting?.mine ?? 0, unreadCases: unread?.cases ?? 0, unreadMessages: unread?.messages ?? 0 };
}

/**
 * The supervisor's queue: counts by team and state, waiting and overdue, oldest overdue. Numbers
 * only, never a case's content or an applicant's identity.
 */
export async function queueStats(ctx: AppContext, user: SessionUser, sla?: Sla) {
  sla ??= await readSla(ctx.db);
  const now = ctx.now().toISOString();
  const due = dueAtSql(sla);
  const rows = await ctx.db
    .select({
      teamId: cases.teamId,
      state: cases.state,
      total: sql<number>`count(*)::int`,
      awaiting: sql<number>`count(*) FILTER (WHERE ${AWAITING})::int`,
      overdue: sql<number>`count(*) FILTER (WHERE ${AWAITING} AND ${due} < ${now}::timestamptz)::int`,
      unassigned: sql<number>`count(*) FILTER (WHERE ${cases.assignedUserId} IS NULL)::int`,
      oldestOverdueMs: sql<number | null>`(extract(epoch from min(${due}) FILTER (WHERE ${AWAITING} AND ${due} < ${now}::timestamptz)) * 1000)::float8`,
    })
    .from(cases)
    .where(and(caseScope(user), sql`${cases.state} <> 'merged'`))
    .groupBy(cases.teamId, cases.state);
  return rows.map((r) => ({ ...r, oldestOverdueMs: r.oldestOverdueMs === null ? null : Number(r.oldestOverdueMs) }));
}
