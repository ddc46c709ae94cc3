import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { TEAMS } from "../../shared/case-states.js";
import { ROLES } from "../../shared/roles.js";
import { addMemberToTeam, listTeams, removeMemberFromTeam } from "./commands.js";

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
 * Teams and their members (the rules are in commands.ts). Adding a member puts him on the team's
 * admission list: a member of the team admits him (keys/admissions.ts). Removing one ends his
 * access at once; the next key holder online rotates the team key.
 */
export function registerTeamRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/teams", { config: { grant: needs("team", "read") }, schema: { tags: ["teams"], summary: "Teams with their members and pending grants", response: { 200: z.array(teamSchema) } } }, async (req) => listTeams(ctx, staffOf(req).user));

  app.post("/api/teams/:id/members", { config: { grant: needs("team", "manage") }, schema: { tags: ["teams"], summary: "Add a staff member to a team", params: teamParams, body: z.object({ userId: z.string().uuid() }) } }, async (req, reply) => {
    await addMemberToTeam(ctx, staffOf(req), req.params.id, req.body.userId);
    return reply.status(204).send();
  });

  app.delete(
    "/api/teams/:id/members/:userId",
    { config: { grant: needs("team", "manage") }, schema: { tags: ["teams"], summary: "Remove a member: access ends now, the next key holder online rotates the team key", params: teamParams.extend({ userId: z.string().uuid() }) } },
    async (req, reply) => {
      await removeMemberFromTeam(ctx, staffOf(req), req.params.id, req.params.userId);
      return reply.status(204).send();
    },
  );
}
