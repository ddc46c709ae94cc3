import { z } from "zod";
import { ROLES } from "../../shared/roles.js";

import { usernameSchema } from "../../shared/api/staff.js";
import { passwordSchema } from "../../shared/api/auth.js";

// Declared once in src/shared/api, where the console's forms read them too.
export { usernameSchema, passwordSchema };
export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, "six digits");

export const loginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z.string().trim().max(12).optional(),
});

export const sessionReply = z.object({
  stage: z.enum(["enrol", "full"]),
  csrfToken: z.string(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) }),
});

export const setupInspectBody = z.object({ token: z.string().min(20).max(100) });
export const setupAcceptBody = z.object({
  token: z.string().min(20).max(100),
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(80),
  password: passwordSchema,
});

export const totpBeginReply = z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() });
export const totpConfirmBody = z.object({ code: totpCodeSchema });
export const csrfReply = z.object({ stage: z.enum(["enrol", "full"]), csrfToken: z.string() });
/** After accepting a setup link: the recovery key is in this answer and nowhere else, ever. */
export const setupAcceptReply = csrfReply.extend({ recoveryKey: z.string() });
