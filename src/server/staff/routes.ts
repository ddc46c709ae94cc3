import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { inviteStaff } from "../auth/setup-links.js";
import { resetStaffTotp } from "../auth/enrolment.js";
import { ROLES } from "../../shared/roles.js";
import { invitationLinkSchema, inviteBodySchema, keyResetSchema, pendingInvitationSchema } from "../../shared/api/staff.js";
import { changeStaffRole, disableStaff, enableStaff, listStaff } from "./commands.js";
import { listPendingInvitations, revokeInvitation } from "./invitations.js";
import { presentInvitation, presentStaff, staffSchema } from "./present.js";
import { resetStaffKeyByAdmin } from "./key-recovery.js";

const idParams = z.object({ id: z.string().uuid() });

export function registerStaffRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/staff", { config: { grant: needs("staff", "list") }, schema: { tags: ["staff"], summary: "List staff accounts", response: { 200: z.array(staffSchema) } } }, async () => {
    return (await listStaff(ctx)).map(presentStaff);
  });

  app.post(
    "/api/staff/invitations",
    {
      config: { grant: needs("staff", "invite") }, schema: {
        tags: ["staff"],
        summary: "Invite a staff member: returns a one-time link",
        body: inviteBodySchema,
        response: { 201: invitationLinkSchema },
      },
    },
    async (req, reply) => {
      const me = staffOf(req).user;
      const r = await inviteStaff(ctx, { role: req.body.role, ...(req.body.username ? { username: req.body.username } : {}), invitedBy: me.id });
      return reply.status(201).send({ id: r.id, link: r.link, expiresAt: r.expiresAt.toISOString() });
    },
  );

  app.get(
    "/api/staff/invitations",
    { config: { grant: needs("staff", "invite") }, schema: { tags: ["staff"], summary: "Invitations not used yet (never their links)", response: { 200: z.array(pendingInvitationSchema) } } },
    async () => {
      return (await listPendingInvitations(ctx)).map((r) => presentInvitation(r.token, r.createdByName));
    },
  );

  app.delete(
    "/api/staff/invitations/:id",
    { config: { grant: needs("staff", "invite") }, schema: { tags: ["staff"], summary: "Withdraw an invitation: its link stops working", params: idParams } },
    async (req, reply) => {
      const me = staffOf(req).user;
      await revokeInvitation(ctx, me.id, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/staff/:id/role",
    { config: { grant: needs("staff", "set_role") }, schema: { tags: ["staff"], summary: "Change a staff member's role", params: idParams, body: z.object({ role: z.enum(ROLES) }) } },
    async (req, reply) => {
      const me = staffOf(req).user;
      await changeStaffRole(ctx, me.id, req.params.id, req.body.role);
      return reply.status(204).send();
    },
  );

  app.post("/api/staff/:id/disable", { config: { grant: needs("staff", "disable") }, schema: { tags: ["staff"], summary: "Disable an account and end its sessions", params: idParams } }, async (req, reply) => {
    const me = staffOf(req).user;
    await disableStaff(ctx, me.id, req.params.id);
    return reply.status(204).send();
  });

  app.post("/api/staff/:id/enable", { config: { grant: needs("staff", "disable") }, schema: { tags: ["staff"], summary: "Enable a disabled account", params: idParams } }, async (req, reply) => {
    const me = staffOf(req).user;
    await enableStaff(ctx, me.id, req.params.id);
    return reply.status(204).send();
  });

  app.post("/api/staff/:id/reset-2fa", { config: { grant: needs("staff", "reset_2fa") }, schema: { tags: ["staff"], summary: "Clear a staff member's TOTP so they enrol again", params: idParams } }, async (req, reply) => {
    const me = staffOf(req).user;
    await resetStaffTotp(ctx, me.id, req.params.id);
    return reply.status(204).send();
  });

  app.post(
    "/api/staff/:id/reset-key",
    {
      config: { grant: needs("staff", "reset_2fa") }, schema: {
        tags: ["staff"],
        summary: "LAST RESORT when the person lost password AND recovery key and no escrow exists: discards their key (audited loss of personal case access) and returns a one-time link to set a new password, key and TOTP",
        params: idParams,
        body: z.object({ acceptKeyLoss: z.literal(true) }),
        response: { 200: keyResetSchema },
      },
    },
    async (req) => {
      const me = staffOf(req).user;
      const r = await resetStaffKeyByAdmin(ctx, me.id, req.params.id);
      return { link: r.link, expiresAt: r.expiresAt.toISOString(), personalGrantsLost: r.personalGrantsLost };
    },
  );
}
