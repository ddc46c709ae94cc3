import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { verifyPassword } from "../crypto/password.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";
import { hashStaffPassword, pepperOf, rewrapStaffKey } from "../keys/staff.js";
import { endAllSessions, startSession, type StaffSession } from "./sessions.js";
import { sessionLimits } from "./enrolment.js";
import { assertStrongPassword } from "./password-policy.js";

/**
 * Change one's password: the current one must be right; the same private key (open in this
 * session) is wrapped under the new one, so nothing is re-encrypted in bulk. Other sessions end;
 * this one is replaced by a fresh session.
 */
export async function changePassword(ctx: AppContext, session: StaffSession, current: string, next: string) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, session.user.id));
  if (!user || !(await verifyPassword(user.passwordHash, current, pepperOf(ctx.keys)))) throw new AppError("validation_failed", "the current password is not right");
  assertStrongPassword(next, "next", [user.username, user.displayName]);
  const passwordHash = await hashStaffPassword(ctx.keys, next);
  return ctx.db.transaction(async (tx) => {
    await rewrapStaffKey(tx, ctx.keys, user.id, session.privateKey, next);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await endAllSessions(tx, user.id);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "staff.password_changed", subjectType: "staff", subjectId: user.id });
    return startSession(tx, user.id, session.stage, sessionLimits(ctx), ctx.now(), session.privateKey);
  });
}
