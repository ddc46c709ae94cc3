import { eq } from "drizzle-orm";
import { sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { cases } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { slaSettings } from "./tables.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";

export interface Sla {
  firstResponseMinutes: number;
  nextResponseMinutes: number;
}

export const DEFAULT_SLA: Sla = { firstResponseMinutes: 5, nextResponseMinutes: 15 };

/** The response-time targets in force (the migration inserts the one row; defaults if it is gone). */
export async function readSla(db: Pick<Db, "select">): Promise<Sla> {
  const [row] = await db.select().from(slaSettings).where(eq(slaSettings.id, 1));
  return row ? { firstResponseMinutes: row.firstResponseMinutes, nextResponseMinutes: row.nextResponseMinutes } : DEFAULT_SLA;
}

export async function updateSla(ctx: AppContext, user: SessionUser, sla: Sla): Promise<Sla> {
  authorize(user, "settings", "manage");
  const actorId = user.id;
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(slaSettings)
      .values({ id: 1, ...sla, updatedAt: ctx.now(), updatedBy: actorId })
      .onConflictDoUpdate({ target: slaSettings.id, set: { ...sla, updatedAt: ctx.now(), updatedBy: actorId } });
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "settings.sla_changed", subjectType: "settings", subjectId: "sla", details: { first: sla.firstResponseMinutes, next: sla.nextResponseMinutes } });
  });
  return sla;
}

/**
 * States in which nobody owes the applicant an answer. The list is written into the SQL as
 * literals (not parameters), so the planner can match the partial index `cases_awaiting_idx`
 * (migration 0004), which keeps the "waiting for a reply" set small to find even among a million cases.
 */
export const SLA_EXEMPT_STATES = ["closed", "merged", "rejected"] as const;

/**
 * A case waits for a reply when it is open and either nobody has answered yet (first response)
 * or the applicant wrote after the last answer (next response). Must stay textually identical
 * to the predicate of cases_awaiting_idx.
 */
export const AWAITING: SQL = sql`(${cases.state} NOT IN (${sql.raw(SLA_EXEMPT_STATES.map((s) => `'${s}'`).join(", "))}) AND (${cases.lastOutboundAt} IS NULL OR COALESCE(${cases.lastInboundAt} > ${cases.lastOutboundAt}, false)))`;

/** When the next answer is due, for a case that is AWAITING (a timestamp expression). */
export function dueAtSql(sla: Sla): SQL {
  return sql`(CASE WHEN ${cases.lastOutboundAt} IS NULL THEN ${cases.createdAt} + make_interval(mins => ${sla.firstResponseMinutes}::int) ELSE ${cases.lastInboundAt} + make_interval(mins => ${sla.nextResponseMinutes}::int) END)`;
}

/** The same rule as AWAITING and dueAtSql, for one row already loaded. */
export function dueAtMsFor(row: { state: string; createdAt: Date; lastInboundAt: Date | null; lastOutboundAt: Date | null }, sla: Sla): number | null {
  if ((SLA_EXEMPT_STATES as readonly string[]).includes(row.state)) return null;
  if (!row.lastOutboundAt) return row.createdAt.getTime() + sla.firstResponseMinutes * 60_000;
  if (row.lastInboundAt && row.lastInboundAt > row.lastOutboundAt) return row.lastInboundAt.getTime() + sla.nextResponseMinutes * 60_000;
  return null;
}
