import { desc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { SessionUser } from "../auth/sessions.js";
import { cases } from "../db/schema.js";
import { AppError } from "../errors.js";
import { recordChange } from "../cases/index.js";
import type { HOLD_REASONS } from "../../shared/api/retention.js";
import { legalHolds } from "./tables.js";

type HoldReason = (typeof HOLD_REASONS)[number];

async function caseByNumber(ctx: AppContext, number: number) {
  const [c] = await ctx.db.select({ id: cases.id, number: cases.number, mergedInto: cases.mergedInto }).from(cases).where(eq(cases.number, number));
  if (!c) throw new AppError("not_found", "no case with this number");
  if (c.mergedInto) throw new AppError("conflict", "this case was merged: hold the case it was merged into");
  return c;
}

/** Place (or change the reason of) a legal hold: while it stands, no retention rule touches the case. */
export async function placeHold(ctx: AppContext, user: SessionUser, number: number, reason: HoldReason) {
  const c = await caseByNumber(ctx, number);
  return ctx.db.transaction(async (tx) => {
    const values = { caseId: c.id, reason, placedBy: user.id, placedAt: ctx.now() };
    await tx.insert(legalHolds).values(values).onConflictDoUpdate({ target: legalHolds.caseId, set: { reason, placedBy: user.id, placedAt: values.placedAt } });
    await recordChange(ctx, tx, { actorId: user.id, action: "retention.hold_placed", caseId: c.id, details: { reason }, notify: "case.updated", event: { kind: "retention.hold_placed" } });
    return { ...values, number: c.number };
  });
}

export async function liftHold(ctx: AppContext, user: SessionUser, number: number) {
  const c = await caseByNumber(ctx, number);
  await ctx.db.transaction(async (tx) => {
    const gone = await tx.delete(legalHolds).where(eq(legalHolds.caseId, c.id)).returning({ id: legalHolds.caseId });
    if (!gone.length) throw new AppError("not_found", "this case has no hold");
    await recordChange(ctx, tx, { actorId: user.id, action: "retention.hold_lifted", caseId: c.id, notify: "case.updated", event: { kind: "retention.hold_lifted" } });
  });
}

export async function listHolds(ctx: AppContext) {
  return ctx.db
    .select({ caseId: legalHolds.caseId, number: cases.number, reason: legalHolds.reason, placedBy: legalHolds.placedBy, placedAt: legalHolds.placedAt })
    .from(legalHolds)
    .innerJoin(cases, eq(cases.id, legalHolds.caseId))
    .orderBy(desc(legalHolds.placedAt));
}
