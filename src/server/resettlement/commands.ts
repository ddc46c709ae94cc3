import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { allow } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import { findVisibleCase } from "../cases/index.js";
import { users } from "../db/schema.js";
import type { Role } from "../../shared/roles.js";
import type { guaranteeBody, memberBody, stepBody, taskUpdateBody } from "../../shared/api/resettlement.js";
import { openValue, sealFileKeyTo, sealValue } from "./keys.js";
import { familyMembers, resettlementKeys, resettlementTasks } from "./tables.js";
import { auditFile, withFileKey } from "./access.js";

type Guarantee = z.infer<typeof guaranteeBody>;
type Step = z.infer<typeof stepBody>;
/** What a task's sealed value holds: which guarantee or which step, and the notes. */
export type TaskValue = { kind?: Guarantee["kind"]; step?: string; notes: string };

/**
 * An officer on the file adds another resettlement officer by name: active, with the role, and
 * with the case in his own scope (his team, assigned or granted). The key is sealed to him (audited).
 */
export async function addOfficer(ctx: AppContext, session: StaffSession, caseId: string, userId: string) {
  return withFileKey(ctx, session, caseId, async ({ key }) => {
    const [u] = await ctx.db.select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role }).from(users).where(and(eq(users.id, userId), isNull(users.disabledAt)));
    if (!u || !allow(u.role as Role, "resettlement", "write")) throw new AppError("bad_request", "only an active resettlement officer can be put on a file");
    await findVisibleCase(ctx.db, { ...u, role: u.role as Role }, caseId, { resource: "resettlement", action: "write" }).catch(() => {
      throw new AppError("bad_request", "the case is not in that officer's scope: assign it to him first");
    });
    await ctx.db.transaction(async (tx) => {
      await sealFileKeyTo(tx, ctx.keys, caseId, key, userId, session.user.id, ctx.now());
      await auditFile(ctx, tx, session.user.id, "resettlement.officer_added", caseId, { user: userId });
    });
    return { ok: true as const };
  });
}

/** A task's owner must be an officer on the file (the one writing, if none is named). */
async function ownerOf(ctx: AppContext, caseId: string, ownerId: string) {
  const [k] = await ctx.db.select({ userId: resettlementKeys.userId }).from(resettlementKeys).where(and(eq(resettlementKeys.caseId, caseId), eq(resettlementKeys.userId, ownerId)));
  if (!k) throw new AppError("bad_request", "the owner must be a resettlement officer on this case");
  return ownerId;
}

async function insertTask(ctx: AppContext, session: StaffSession, caseId: string, key: Buffer, memberId: string | null, input: { ownerId?: string; dueOn: string }, value: TaskValue) {
  const id = randomUUID();
  const now = ctx.now();
  const ownerId = await ownerOf(ctx, caseId, input.ownerId ?? session.user.id);
  await ctx.db.transaction(async (tx) => {
    await tx.insert(resettlementTasks).values({ id, caseId, memberId, ownerId, dueOn: input.dueOn, state: "open", sealed: sealValue(key, caseId, "resettlement_tasks", id, value), createdAt: now, updatedAt: now, updatedBy: session.user.id });
    await auditFile(ctx, tx, session.user.id, memberId ? "resettlement.step_added" : "resettlement.guarantee_added", caseId, { task: id });
  });
  return { id };
}

/** A guarantee he asked for becomes a tracked task; which one is sealed ("third country" tells his choice). */
export const addGuarantee = (ctx: AppContext, session: StaffSession, caseId: string, body: Guarantee) =>
  withFileKey(ctx, session, caseId, ({ key }) => insertTask(ctx, session, caseId, key, null, body, { kind: body.kind, notes: body.notes }));

export async function addMember(ctx: AppContext, session: StaffSession, caseId: string, body: z.infer<typeof memberBody>) {
  return withFileKey(ctx, session, caseId, async ({ key }) => {
    const id = randomUUID();
    await ctx.db.transaction(async (tx) => {
      await tx.insert(familyMembers).values({ id, caseId, sealed: sealValue(key, caseId, "family_members", id, body), createdBy: session.user.id, createdAt: ctx.now() });
      await auditFile(ctx, tx, session.user.id, "resettlement.member_added", caseId, { member: id });
    });
    return { id };
  });
}

/** A step of one family member's relocation plan. */
export async function addStep(ctx: AppContext, session: StaffSession, caseId: string, memberId: string, body: Step) {
  return withFileKey(ctx, session, caseId, async ({ key }) => {
    const [m] = await ctx.db.select({ id: familyMembers.id }).from(familyMembers).where(and(eq(familyMembers.id, memberId), eq(familyMembers.caseId, caseId)));
    if (!m) throw notFound("no such family member on this case");
    return insertTask(ctx, session, caseId, key, memberId, body, { step: body.step, notes: body.notes });
  });
}

/** Move a task on, hand it to another officer on the file, change its day or its notes. */
export async function updateTask(ctx: AppContext, session: StaffSession, caseId: string, taskId: string, body: z.infer<typeof taskUpdateBody>) {
  return withFileKey(ctx, session, caseId, async ({ key }) => {
    const [t] = await ctx.db.select().from(resettlementTasks).where(and(eq(resettlementTasks.id, taskId), eq(resettlementTasks.caseId, caseId)));
    if (!t) throw notFound("no such task on this case");
    const set: Partial<typeof resettlementTasks.$inferInsert> = { updatedAt: ctx.now(), updatedBy: session.user.id };
    if (body.state) set.state = body.state;
    if (body.dueOn) set.dueOn = body.dueOn;
    if (body.ownerId) set.ownerId = await ownerOf(ctx, caseId, body.ownerId);
    if (body.notes !== undefined) {
      const value = openValue(key, caseId, "resettlement_tasks", taskId, t.sealed) as TaskValue;
      set.sealed = sealValue(key, caseId, "resettlement_tasks", taskId, { ...value, notes: body.notes });
    }
    await ctx.db.transaction(async (tx) => {
      await tx.update(resettlementTasks).set(set).where(eq(resettlementTasks.id, taskId));
      await auditFile(ctx, tx, session.user.id, "resettlement.task_updated", caseId, { task: taskId, state: body.state ?? null });
    });
    return { ok: true as const };
  });
}
