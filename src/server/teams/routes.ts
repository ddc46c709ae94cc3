import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { allow, authorize } from "../auth/policy.js";
import { staffOf } from "../auth/guard.js";
import { teamMembers, teams, users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { addTeamMember, removeTeamMember } from "../keys/teams.js";
import { AppError } from "../errors.js";
import { TEAMS } from "../../shared/case-states.js";
import { ROLES, type Role } from "../../shared/roles.js";

const memberSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  custodian: z.boolean(),
  /** Waiting for a key holder to come online and seal the team key to him. */
  pending: z.boolean(),
  disabled: z.boolean(),
});
const teamSchema = z.object({ id: z.enum(TEAMS), keyVersion: z.number(), members: z.array(memberSchema) });
const teamParams = z.object({ id: z.enum(TEAMS) });

/**
 * Teams and their members. Adding a member puts him on the team's admission list: a member of
 * the team admits him (keys/admissions.ts). Removing one ends his access at once; the next key
 * holder online rotates the team key.
 */
export function registerTeamRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/teams", { schema: { tags: ["teams"], summary: "Teams with their members and pending grants", response: { 200: z.array(teamSchema) } } }, async (req) => {
    authorize(staffOf(req).user, "team", "read");
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
  });

  app.post("/api/teams/:id/members", { schema: { tags: ["teams"], summary: "Add a staff member to a team", params: teamParams, body: z.object({ userId: z.string().uuid() }) } }, async (req, reply) => {
    const session = staffOf(req);
    authorize(session.user, "team", "manage");
    const [u] = await ctx.db.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, req.body.userId));
    if (!u || u.disabledAt) throw new AppError("not_found", "no such staff member");
    if (!allow(u.role as Role, "case", "read")) throw new AppError("conflict", "this role does no case work; it cannot join a team");
    await ctx.db.transaction(async (tx) => {
      const existing = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, req.params.id), eq(teamMembers.userId, u.id)));
      if (existing.length > 0) throw new AppError("conflict", "already in this team");
      await addTeamMember(tx, req.params.id, u.id, session.user.id);
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "team.member_added", subjectType: "team", subjectId: req.params.id, details: { userId: u.id } });
    });
    // He waits for admission by a member of the team (four eyes: keys/admissions.ts).
    return reply.status(204).send();
  });

  app.delete(
    "/api/teams/:id/members/:userId",
    { schema: { tags: ["teams"], summary: "Remove a member: the team key is rotated and every case key of the team resealed", params: teamParams.extend({ userId: z.string().uuid() }) } },
    async (req, reply) => {
      const session = staffOf(req);
      authorize(session.user, "team", "manage");
      await ctx.db.transaction(async (tx) => {
        const [m] = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, req.params.id), eq(teamMembers.userId, req.params.userId)));
        if (!m) throw new AppError("not_found", "not a member of this team");
        if (m.custodian) throw new AppError("conflict", "a custodian is not removed here");
        // Access ends now; the next key holder online rotates the team key (he may have kept a copy).
        await removeTeamMember(tx, req.params.id, req.params.userId);
        await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "team.member_removed", subjectType: "team", subjectId: req.params.id, details: { userId: req.params.userId } });
      });
      return reply.status(204).send();
    },
  );
}
