import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";
import { authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { cannedReplies } from "./tables.js";

export interface CannedReplyInput {
  title: string;
  body: string;
  language: string;
  position: number;
}

export async function listCannedReplies(ctx: AppContext, user: SessionUser) {
  authorize(user, "canned_reply", "read");
  return ctx.db.select().from(cannedReplies).orderBy(asc(cannedReplies.position), asc(cannedReplies.title));
}

/** Canned replies are hotline wording edited by administrators; each change is audited (not its text). */
export async function createCannedReply(ctx: AppContext, user: SessionUser, input: CannedReplyInput) {
  authorize(user, "canned_reply", "manage");
  const actorId = user.id;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(cannedReplies).values({ ...input, updatedBy: actorId, createdAt: ctx.now(), updatedAt: ctx.now() }).returning();
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "canned_reply.created", subjectType: "canned_reply", subjectId: row!.id });
    return row!;
  });
}

export async function updateCannedReply(ctx: AppContext, user: SessionUser, id: string, input: CannedReplyInput) {
  authorize(user, "canned_reply", "manage");
  const actorId = user.id;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(cannedReplies).set({ ...input, updatedBy: actorId, updatedAt: ctx.now() }).where(eq(cannedReplies.id, id)).returning();
    if (!row) throw new AppError("not_found", "no such canned reply");
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "canned_reply.updated", subjectType: "canned_reply", subjectId: id });
    return row;
  });
}

export async function deleteCannedReply(ctx: AppContext, user: SessionUser, id: string) {
  authorize(user, "canned_reply", "manage");
  const actorId = user.id;
  await ctx.db.transaction(async (tx) => {
    const gone = await tx.delete(cannedReplies).where(eq(cannedReplies.id, id)).returning({ id: cannedReplies.id });
    if (gone.length === 0) throw new AppError("not_found", "no such canned reply");
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "canned_reply.deleted", subjectType: "canned_reply", subjectId: id });
  });
}
