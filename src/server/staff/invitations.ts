import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { setupTokens, users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";

/** Invitations not used and not expired yet, oldest first, with who made them. */
export async function listPendingInvitations(ctx: AppContext) {
  return ctx.db
    .select({ token: setupTokens, createdByName: users.displayName })
    .from(setupTokens)
    .leftJoin(users, eq(users.id, setupTokens.createdBy))
    .where(and(eq(setupTokens.purpose, "invite"), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, ctx.now())))
    .orderBy(asc(setupTokens.createdAt));
}

/**
 * Withdraw an invitation before it is used: the link stops working at once (it is marked used,
 * so the row stays for the record). A used, expired or unknown invitation is "not found".
 */
export async function revokeInvitation(ctx: AppContext, actorId: string, invitationId: string) {
  await ctx.db.transaction(async (tx) => {
    const revoked = await tx
      .update(setupTokens)
      .set({ usedAt: ctx.now() })
      .where(and(eq(setupTokens.id, invitationId), eq(setupTokens.purpose, "invite"), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, ctx.now())))
      .returning({ id: setupTokens.id, role: setupTokens.role });
    if (revoked.length === 0) throw new AppError("not_found", "no such pending invitation");
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.invitation_revoked", subjectType: "invitation", subjectId: invitationId, details: { role: revoked[0]!.role } });
  });
}
