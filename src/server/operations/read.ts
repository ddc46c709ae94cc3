import { asc, desc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { users } from "../db/schema.js";
import type { ESCORT_STATES} from "./schema.js";
import { storedDetailsSchema, type Details } from "./schema.js";
import { openDetails, openRow, withOperationKeyOrNull } from "./keys.js";
import { operationCases, operationEscortEvents, operationKeys, operations } from "./tables.js";
import { auditOperation, withOperation, type OperationRow } from "./access.js";
import { formatIn, STAFF_ZONE } from "../../shared/zoned-time.js";
import { openApplicantConfirmation } from "./applicant.js";

const zoned = (iso: string, applicantZone: string) => {
  const at = new Date(iso);
  return { utc: at.toISOString(), kyiv: formatIn(at, STAFF_ZONE), applicant: formatIn(at, applicantZone) };
};

/** One operation in full, for a person it is sealed to; the read is audited. */
export async function readOperation(ctx: AppContext, session: StaffSession, operationId: string) {
  authorize(session.user, "rendezvous", "read");
  return withOperation(ctx, session, operationId, async ({ key, row, details }) => {
    const links = await ctx.db.select().from(operationCases).where(eq(operationCases.operationId, operationId)).orderBy(asc(operationCases.caseId));
    const escortRows = await ctx.db.select().from(operationEscortEvents).where(eq(operationEscortEvents.operationId, operationId)).orderBy(asc(operationEscortEvents.seq));
    const people = await ctx.db.select({ userId: operationKeys.userId, displayName: users.displayName }).from(operationKeys).innerJoin(users, eq(users.id, operationKeys.userId)).where(eq(operationKeys.operationId, operationId));
    await ctx.db.transaction((tx) => auditOperation(ctx, tx, session.user.id, "operation.read", operationId));
    return {
      id: row.id,
      state: row.state as "planning" | "scheduled" | "closed",
      groupSize: row.groupSize,
      createdAt: row.createdAt.toISOString(),
      details,
      times: timesOf(details),
      cases: links.map((l) => ({ caseId: l.caseId, instructed: l.instructionMessageIds.length > 0, ...confirmationOf(ctx, key, l) })),
      escort: escortRows.map((e) => {
        const v = openRow(key, operationId, "escort", e.id, e.entry) as { state: (typeof ESCORT_STATES)[number]; at: string; note: string };
        return { state: v.state, at: v.at, note: v.note };
      }),
      people,
    };
  });
}

/** His own confirmation (button or reply) comes first; a coordinator's record stands for a call or a word passed on. */
function confirmationOf(ctx: AppContext, key: Buffer, l: typeof operationCases.$inferSelect): { confirmedAt: string | null; confirmedVia: "telegram" | "whatsapp" | "web" | "coordinator" | null } {
  const own = openApplicantConfirmation(ctx, l.operationId, l.caseId, l.applicantConfirmation);
  if (own) return { confirmedAt: own.at, confirmedVia: own.via };
  if (l.confirmation) return { confirmedAt: String((openRow(key, l.operationId, "confirmation", l.caseId, l.confirmation) as { at: string }).at), confirmedVia: "coordinator" };
  return { confirmedAt: null, confirmedVia: null };
}

const timesOf = (d: Details) => ({ start: zoned(d.window.start, d.applicantZone), end: zoned(d.window.end, d.applicantZone), plannedLaunch: zoned(d.escort.plannedLaunch, d.applicantZone) });

/**
 * The coordinators' board: every operation's existence and state; the start time and the
 * confirmations only of those sealed to this person. Closed ones show their non-identifying
 * remains. The read is audited as one row naming how many operations were opened. The server's
 * clock goes with it: the countdowns are counted against it, not against the coordinator's laptop,
 * whose clock may be off by minutes when minutes matter.
 */
export async function listOperations(ctx: AppContext, session: StaffSession) {
  authorize(session.user, "rendezvous", "read");
  const rows = await ctx.db.select().from(operations).orderBy(desc(operations.createdAt)).limit(200);
  const confirmed = await confirmationCounts(ctx, rows.map((r) => r.id));
  const items = [];
  let opened = 0;
  for (const row of rows) {
    const start = row.details
      ? await withOperationKeyOrNull(ctx.db, row.id, session, async (key) => {
          const d = storedDetailsSchema.parse(openDetails(key, row.id, row.details!));
          return zoned(d.window.start, d.applicantZone);
        })
      : null;
    if (start) opened++;
    items.push(summaryOf(row, start, start ? (confirmed.get(row.id) ?? 0) : null));
  }
  await ctx.db.transaction((tx) => auditOperation(ctx, tx, session.user.id, "operation.board_read", "board", { opened }));
  return { now: ctx.now().toISOString(), items };
}

async function confirmationCounts(ctx: AppContext, ids: string[]) {
  const m = new Map<string, number>();
  if (!ids.length) return m;
  const links = await ctx.db
    .select({ operationId: operationCases.operationId, confirmation: operationCases.confirmation, own: operationCases.applicantConfirmation })
    .from(operationCases)
    .where(inArray(operationCases.operationId, ids));
  for (const l of links) if (l.confirmation || l.own) m.set(l.operationId, (m.get(l.operationId) ?? 0) + 1);
  return m;
}

function summaryOf(row: OperationRow, start: ReturnType<typeof zoned> | null, confirmed: number | null) {
  return { id: row.id, state: row.state as "planning" | "scheduled" | "closed", groupSize: row.groupSize, onIt: start !== null, start, confirmed, summary: row.summary ?? null };
}

/**
 * The unit briefing: what the receiving unit needs and nothing about who the men are (no names,
 * no contacts, no case ids): how many, the signals, the time, the points, the call sign.
 */
export async function unitBriefing(ctx: AppContext, session: StaffSession, operationId: string) {
  authorize(session.user, "rendezvous", "read");
  return withOperation(ctx, session, operationId, async ({ row, details: d }) => {
    await ctx.db.transaction((tx) => auditOperation(ctx, tx, session.user.id, "operation.briefing_read", operationId));
    const pt = (p: Details["meeting"]) => ({ mgrs: p.mgrs, lat: p.lat, lon: p.lon });
    return {
      groupSize: row.groupSize,
      signals: d.signals,
      window: { start: zoned(d.window.start, d.applicantZone), end: zoned(d.window.end, d.applicantZone) },
      meeting: pt(d.meeting),
      alternate: pt(d.alternate),
      escort: { callSign: d.escort.callSign, plannedLaunch: zoned(d.escort.plannedLaunch, d.applicantZone) },
      unit: d.unit.name,
    };
  });
}

export type UnitBriefing = Awaited<ReturnType<typeof unitBriefing>>;
