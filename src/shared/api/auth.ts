import { z } from "zod";
import { ROLES } from "../roles.js";
import { usernameSchema } from "./staff.js";

/**
 * The permissions the console asks about, as `resource.action` of the server's policy table
 * (src/server/policy.ts, which checks at compile time that each one exists there). The
 * session answer carries the grant of each for the signed-in role, computed from that table: the
 * console hides what the server would refuse without keeping a copy of the rules.
 */
export const CONSOLE_PERMISSIONS = [
  "staff.list",
  "staff.invite",
  "staff.disable",
  "staff.set_role",
  "staff.reset_2fa",
  "team.read",
  "team.manage",
  "team.admit",
  "audit.read",
  "audit.verify",
  "case.list",
  "case.read",
  "case.create",
  "case.assign",
  "case.transition",
  "case.merge",
  "case.reply",
  "case.note",
  "case_identity.read",
  "rendezvous.read",
  "rendezvous.write",
  "pow_registration.read",
  "pow_registration.write",
  "pow_registration.export",
  "pow_registration.approve_export",
  "pow_choice.read",
  "pow_choice.write",
  "resettlement.read",
  "resettlement.write",
  "analytics.read",
  "analytics.record_event",
  "canned_reply.manage",
  "settings.manage",
  "retention.read",
  "retention.propose",
  "retention.approve",
  "retention.hold",
  "verification.read",
  "verification.review",
  "verification.decide",
  "verification.watchlist",
  "verification.unlist",
  "verification.configure",
  "reward_claim.read",
  "reward_claim.assess",
  "reward_claim.approve",
  "reward_ledger.pay",
  "reward_schedule.propose",
  "reward_schedule.approve",
] as const;
export type Permission = (typeof CONSOLE_PERMISSIONS)[number];

export const grantSchema = z.enum(["scoped", "all"]);
/** Only the permissions the role holds are present; an absent one is refused. */
export const capabilitiesSchema = z.partialRecord(z.enum(CONSOLE_PERMISSIONS), grantSchema);
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const stageSchema = z.enum(["enrol", "full"]);
export type Stage = z.infer<typeof stageSchema>;

export const sessionUserSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionInfoSchema = z.object({
  stage: stageSchema,
  csrfToken: z.string(),
  user: sessionUserSchema,
  capabilities: capabilitiesSchema,
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const passwordSchema = z.string().min(12, "at least 12 characters").max(256);
export const passwordChangeBodySchema = z.object({ current: z.string().min(1).max(256), next: passwordSchema });
export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, "six digits");

/** The bodies of the sign-in, set-up and enrolment requests: the server validates with these, the console's forms too. */
export const loginBodySchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().trim().max(12).optional(),
});
export const displayNameSchema = z.string().trim().min(1).max(80);
export const totpConfirmBodySchema = z.object({ code: totpCodeSchema });
export const setupAcceptBodySchema = z.object({
  token: z.string().min(20).max(100),
  username: usernameSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
});
