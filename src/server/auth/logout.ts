import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { endAllSessions, endSession, type StaffSession } from "./sessions.js";

/** End this session (its unlocked key goes with it), audited. */
export async function signOut(ctx: AppContext, session: StaffSession): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endSession(tx, session.idHash);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "staff.logout", subjectType: "staff", subjectId: session.user.id });
  });
}

/** End every session of this staff member, on every device, audited. */
export async function signOutEverywhere(ctx: AppContext, session: StaffSession): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endAllSessions(tx, session.user.id);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "staff.logout_all", subjectType: "staff", subjectId: session.user.id });
  });
}
