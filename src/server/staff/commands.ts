import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { endAllSessions } from "../auth/sessions.js";
import { retireKeysOfDisabled } from "../keys/teams.js";
import { AppError } from "../errors.js";
import type { Role } from "../../shared/roles.js";

export async function listStaff(ctx: AppContext) {
  return ctx.db.select().from(users).orderBy(asc(users.username));
}

/** There must always be one active admin left, or nobody could manage accounts and keys. */
async function assertNotLastAdmin(tx: Pick<AppContext["db"], "select">, userId: string) {
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, userId)));
  if (n === 0) throw new AppError("conflict", "this is the last active administrator");
}

export async function changeStaffRole(ctx: AppContext, actorId: string | null, userId: string, role: Role) {
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) throw new AppError("not_found", "no such staff member");
    if (user.role === role) return;
    if (user.role === "admin") await assertNotLastAdmin(tx, userId);
    await tx.update(users).set({ role }).where(eq(users.id, userId));
    // A role change takes effect now: sessions opened under the old role end.
    await endAllSessions(tx, userId);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.role_changed", subjectType: "staff", subjectId: userId, details: { from: user.role, to: role } });
  });
}

export async function disableStaff(ctx: AppContext, actorId: string | null, userId: string) {
  await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!user) throw new AppError("not_found", "no such staff member");
    if (user.disabledAt) return;
    if (user.role === "admin") await assertNotLastAdmin(tx, userId);
    await tx.update(users).set({ disabledAt: ctx.now() }).where(eq(users.id, userId));
    await endAllSessions(tx, userId);
    // He may have kept his teams' keys: the next key holder online rotates them (issue 10, item 10).
    await retireKeysOfDisabled(tx, userId);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.disabled", subjectType: "staff", subjectId: userId });
  });
}

export async function enableStaff(ctx: AppContext, actorId: string | null, userId: string) {
  await ctx.db.transaction(async (tx) => {
    const updated = await tx.update(users).set({ disabledAt: null }).where(eq(users.id, userId)).returning({ id: users.id });
    if (updated.length === 0) throw new AppError("not_found", "no such staff member");
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.enabled", subjectType: "staff", subjectId: userId });
  });
}
