import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { TEAMS } from "../../shared/case-states.js";
import type { Role } from "../../shared/roles.js";
import { pendingAdmissionSchema } from "../../shared/api/staff.js";
import { admitMember, declineAdmission, pendingAdmissions } from "../keys/admissions.js";

const params = z.object({ teamId: z.enum(TEAMS), userId: z.string().uuid() });

/** Pending admissions to the teams whose key the signed-in member holds (four eyes: keys/admissions.ts). */
export function registerAdmissionRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/admissions", { config: { grant: needs("team", "admit") }, schema: { tags: ["teams"], summary: "Accounts waiting for admission to your teams", response: { 200: z.array(pendingAdmissionSchema) } } }, async (req) => {
    const session = staffOf(req);
    const rows = await pendingAdmissions(ctx.db, session.user.id);
    return rows.map((r) => ({
      teamId: r.teamId as (typeof TEAMS)[number],
      userId: r.userId,
      username: r.username,
      displayName: r.displayName,
      role: r.role as Role,
      reason: r.reason,
      since: r.since.toISOString(),
      sponsor: r.sponsorId ? { id: r.sponsorId, displayName: r.sponsorName ?? "" } : null,
      mayAdmit: r.mayAdmit,
    }));
  });

  app.post("/api/admissions/:teamId/:userId/admit", { config: { grant: needs("team", "admit") }, schema: { tags: ["teams"], summary: "Admit a waiting member: the team key is sealed to him", params } }, async (req, reply) => {
    const session = staffOf(req);
    await admitMember(ctx.db, ctx.keys, { userId: session.user.id, privateKey: session.privateKey }, req.params.teamId, req.params.userId);
    return reply.status(204).send();
  });

  app.post("/api/admissions/:teamId/:userId/decline", { config: { grant: needs("team", "admit") }, schema: { tags: ["teams"], summary: "Turn a waiting account away from the team", params } }, async (req, reply) => {
    const session = staffOf(req);
    await declineAdmission(ctx.db, ctx.keys, session.user.id, req.params.teamId, req.params.userId);
    return reply.status(204).send();
  });
}
