import { z } from "zod";
import { ROLES } from "../roles.js";
import { TEAMS } from "../case-states.js";

/** What leaves the server about a staff member: never the password hash or TOTP secret. */
export const staffSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type StaffMember = z.infer<typeof staffSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{3,40}$/, "3 to 40 letters, digits, dots, dashes or underscores");

export const inviteBodySchema = z.object({ role: z.enum(ROLES), username: usernameSchema.optional() });
export const invitationLinkSchema = z.object({ id: z.string(), link: z.string(), expiresAt: z.string() });
export type InvitationLink = z.infer<typeof invitationLinkSchema>;

/** A link not used yet: who it is for and until when, never the link itself (shown once, at creation). */
export const pendingInvitationSchema = z.object({
  id: z.string(),
  role: z.enum(ROLES),
  username: z.string().nullable(),
  purpose: z.string(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type PendingInvitation = z.infer<typeof pendingInvitationSchema>;

export const keyResetSchema = z.object({ link: z.string(), expiresAt: z.string(), personalGrantsLost: z.number() });
export type KeyReset = z.infer<typeof keyResetSchema>;

/** An account waiting for a team member's admission (four eyes: the team key is sealed by a member, never by the administrator). */
export const pendingAdmissionSchema = z.object({
  teamId: z.enum(TEAMS),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  /** new account, or an account whose key was reset after it had joined */
  reason: z.enum(["new", "key_reset"]),
  since: z.string(),
  sponsor: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  /** false when you are his sponsor, or his set-up is not finished */
  mayAdmit: z.boolean(),
});
export type PendingAdmission = z.infer<typeof pendingAdmissionSchema>;
