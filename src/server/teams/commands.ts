import { and, asc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { allow, authorize } from "../policy.js";
import type { SessionUser, StaffSession } from "../auth/sessions.js";
import { teamMembers, teams, users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { addTeamMember, removeTeamMember } from "../keys/teams.js";
import { AppError } from "../errors.js";
import { TEAMS, type TeamId } from "../../shared/case-states.js";
import type { Role } from "../../shared/roles.js";

/** Every team with its members; a member is pending until a key holder has sealed the current team key to him. */
export async function listTeams(ctx: AppContext, user: SessionUser) {
  authorize(user, "team", "read");
  const rows = await ctx.db
    .select({ teamId: teamMembers.teamId, sealedKey: teamMembers.sealedKey, keyVersion: teamMembers.keyVersion, custodian: teamMembers.custodian, userId: users.id, displayName: users.displayName, username: users.username, role: users.role, disabledAt: users.disabledAt })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .orderBy(asc(users.displayName));
  const all = await ctx.db.select({ id: teams.id, keyVersion: teams.keyVersion }).from(teams);
  return TEAMS.filter((id) => all.some((t) => t.id === id)).map((id) => {
    const team = all.find((t) => t.id === id)!;
    return {
      id,
      keyVersion: team.keyVersion,
      members: rows
        .filter((r) => r.teamId === id)
        .map((r) => ({ userId: r.userId, displayName: r.displayName, username: r.username, role: r.role as Role, custodian: r.custodian, pending: !r.sealedKey || r.keyVersion !== team.keyVersion, disabled: !!r.disabledAt })),
    };
  });
}

/**
 * Add a staff member whose role does case work to a team. He waits for admission by a member of
 * the team who is not his sponsor (four eyes: keys/admissions.ts); the administrator seals nothing.
 */
export async function addMemberToTeam(ctx: AppContext, session: StaffSession, teamId: TeamId, userId: string) {
  authorize(session.user, "team", "manage");
  const [u] = await ctx.db.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId));
  if (!u || u.disabledAt) throw new AppError("not_found", "no such staff member");
  if (!allow(u.role as Role, "case", "read")) throw new AppError("conflict", "this role does no case work; it cannot join a team");
  await ctx.db.transaction(async (tx) => {
    const existing = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, u.id)));
    if (existing.length > 0) throw new AppError("conflict", "already in this team");
    await addTeamMember(tx, teamId, u.id, session.user.id);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "team.member_added", subjectType: "team", subjectId: teamId, details: { userId: u.id } });
  });
}

/** Remove a member (not a custodian): access ends now; the next key holder online rotates the team key, since he may have kept a copy. */
export async function removeMemberFromTeam(ctx: AppContext, session: StaffSession, teamId: TeamId, userId: string) {
  authorize(session.user, "team", "manage");
  return ctx.db.transaction(async (tx) => {
    const [m] = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
    if (!m) throw new AppError("not_found", "not a member of this team");
    if (m.custodian) throw new AppError("conflict", "a custodian is not removed here");
    await removeTeamMember(tx, teamId, userId);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "team.member_removed", subjectType: "team", subjectId: teamId, details: { userId } });
  });
}
