import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { teamMembers, users } from "../db/schema.js";
import { allow, authorize } from "../policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { ROLES, type Role } from "../../shared/roles.js";

/**
 * The people a case can be assigned to: enrolled, active staff whose role reads cases, with the
 * teams they work in (custodianship is not membership).
 */
export async function listAssignees(ctx: AppContext, user: SessionUser) {
  authorize(user, "case", "assign");
  const roles = ROLES.filter((r) => allow(r, "case", "read"));
  const people = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(and(isNull(users.disabledAt), eq(users.totpEnabled, true), inArray(users.role, roles)))
    .orderBy(asc(users.displayName));
  const memberships = people.length
    ? await ctx.db.select({ userId: teamMembers.userId, teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.custodian, false), inArray(teamMembers.userId, people.map((p) => p.id))))
    : [];
  return people.map((p) => ({ ...p, role: p.role as Role, teams: memberships.filter((m) => m.userId === p.id).map((m) => m.teamId) }));
}
