import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { users } from "../db/schema.js";
import { findCase, moveCase, recordChange } from "../cases/index.js";
import { wipe } from "../crypto/index.js";
import { resolvePoint } from "../../shared/geo.js";
import type { Details, EditBody, PlanBody } from "./schema.js";
import { newOperationKey, sealDetails, sealOperationKeyTo } from "./keys.js";
import { operationCases, operations } from "./tables.js";
import { auditOperation, withOperation } from "./access.js";
import { checkEquipment } from "./equipment.js";

/** States from which a case may join an operation (it is verified and not yet on another). */
const JOINABLE = new Set(["verified", "awaiting_deployment", "planning"]);

/**
 * A coordinator plans an operation for one or more verified cases he may plan (a group
 * surrender is one operation). The details are sealed under a new operation key, sealed to him
 * and to the coordinators he names; each case moves to planning and records the link.
 */
export async function planOperation(ctx: AppContext, session: StaffSession, body: PlanBody) {
  authorize(session.user, "rendezvous", "write");
  const caseIds = [...new Set(body.caseIds)];
  const rows: Awaited<ReturnType<typeof findCase>>[] = [];
  for (const id of caseIds) {
    const row = await findCase(ctx, session.user, id, { resource: "case", action: "plan" });
    if (!JOINABLE.has(row.state)) throw new AppError("conflict", `case ${id} is ${row.state}: only verified cases can be planned`);
    rows.push(row);
  }
  const busy = await ctx.db
    .select({ caseId: operationCases.caseId })
    .from(operationCases)
    .innerJoin(operations, eq(operations.id, operationCases.operationId))
    .where(and(inArray(operationCases.caseId, caseIds), isNull(operations.closedAt)));
  if (busy.length) throw new AppError("conflict", "a case is already on an open operation");
  const details = await detailsOf(ctx, body);
  const coordinators = await ctx.db.select({ id: users.id, role: users.role }).from(users).where(and(inArray(users.id, body.coordinatorIds.length ? body.coordinatorIds : [session.user.id]), isNull(users.disabledAt)));
  if (coordinators.length !== new Set(body.coordinatorIds.length ? body.coordinatorIds : [session.user.id]).size || coordinators.some((c) => c.role !== "coordinator")) {
    throw new AppError("bad_request", "only active coordinators can be assigned to an operation");
  }
  const id = randomUUID();
  const key = newOperationKey();
  const now = ctx.now();
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(operations).values({ id, state: "planning", groupSize: caseIds.length, details: sealDetails(key, id, details), createdBy: session.user.id, createdAt: now });
      await sealOperationKeyTo(tx, ctx.keys, id, key, [session.user.id, ...coordinators.map((c) => c.id)], session.user.id, now);
      for (const row of rows) {
        await tx.insert(operationCases).values({ operationId: id, caseId: row.id });
        if (row.state !== "planning") await moveCase(ctx, tx, { caseId: row.id, row, to: "planning", actorId: session.user.id, caseKey: null });
        await recordChange(ctx, tx, { actorId: session.user.id, action: "operation.case_linked", caseId: row.id, details: { operation: id }, notify: "case.updated", event: { kind: "operation.planned" } });
      }
      await auditOperation(ctx, tx, session.user.id, "operation.planned", id, { cases: caseIds.length });
    });
  } finally {
    wipe(key);
  }
  return { id };
}

/** The details a plan (or an edit) describes, checked as the server checks any point, window and equipment code. */
export async function detailsOf(ctx: AppContext, body: EditBody): Promise<Details> {
  const meeting = resolvePoint(body.meeting);
  const alternate = resolvePoint(body.alternate);
  if (typeof meeting === "string") throw new AppError("bad_request", `meeting point: ${meeting}`);
  if (typeof alternate === "string") throw new AppError("bad_request", `alternate point: ${alternate}`);
  const start = new Date(body.window.start);
  const end = new Date(body.window.end);
  if (!(end > start)) throw new AppError("bad_request", "the window must end after it starts");
  if (end.getTime() - start.getTime() > 12 * 3600_000) throw new AppError("bad_request", "a window longer than 12 hours is not a time");
  // The handover day as the operation's remains keep it (summary.date) and a claim names it.
  await checkEquipment(ctx, start.toISOString().slice(0, 10), body.equipment);
  return {
    sector: body.sector,
    meeting,
    alternate,
    window: { start: start.toISOString(), end: end.toISOString() },
    applicantZone: body.applicantZone,
    signals: body.signals,
    equipment: body.equipment,
    equipmentNote: body.equipmentNote,
    unit: body.unit,
    escort: { ...body.escort, plannedLaunch: new Date(body.escort.plannedLaunch).toISOString() },
    reminderMinutes: body.reminderMinutes,
  };
}

/** A person on the operation adds a staff member by name: the key is sealed to him too (audited). */
export async function addOperationStaff(ctx: AppContext, session: StaffSession, operationId: string, userId: string) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ key, row }) => {
    if (row.state === "closed") throw new AppError("conflict", "the operation is closed");
    const [target] = await ctx.db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), isNull(users.disabledAt)));
    if (!target) throw new AppError("bad_request", "no such active staff member");
    await ctx.db.transaction(async (tx) => {
      await sealOperationKeyTo(tx, ctx.keys, operationId, key, [userId], session.user.id, ctx.now());
      await auditOperation(ctx, tx, session.user.id, "operation.staff_added", operationId, { user: userId });
    });
    return { ok: true as const };
  });
}
