import { and, asc, between, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { authorize } from "../policy.js";
import { notFound } from "../errors.js";
import type { SessionUser } from "../auth/sessions.js";
import type { AnalyticsEvent, NewEvent } from "../../shared/api/analytics.js";
import { analyticsEvents } from "./tables.js";

/** The events of a day range, for the markers on the charts. */
export async function listEvents(ctx: Pick<AppContext, "db">, from: string, to: string): Promise<AnalyticsEvent[]> {
  const rows = await ctx.db.select().from(analyticsEvents).where(between(analyticsEvents.day, from, to)).orderBy(asc(analyticsEvents.day), asc(analyticsEvents.createdAt));
  return rows.map((r) => ({ id: r.id, day: r.day, kind: r.kind as AnalyticsEvent["kind"], note: r.note }));
}

/** A supervisor marks a day; the audit row carries the kind and the day, not the note. */
export async function recordEvent(ctx: AppContext, user: SessionUser, input: NewEvent): Promise<AnalyticsEvent> {
  authorize(user, "analytics", "record_event");
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(analyticsEvents).values({ day: input.day, kind: input.kind, note: input.note, createdBy: user.id, createdAt: ctx.now() }).returning();
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "analytics.event_recorded", subjectType: "analytics_event", subjectId: row!.id, details: { day: input.day, kind: input.kind } });
    return { id: row!.id, day: row!.day, kind: input.kind, note: row!.note };
  });
}

export async function findEvent(ctx: Pick<AppContext, "db">, user: SessionUser, id: string): Promise<AnalyticsEvent> {
  authorize(user, "analytics", "read");
  const [row] = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.db.select().from(analyticsEvents).where(and(eq(analyticsEvents.id, id))) : [];
  if (!row) throw notFound("no such event");
  return { id: row.id, day: row.day, kind: row.kind as AnalyticsEvent["kind"], note: row.note };
}
