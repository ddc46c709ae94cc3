import { z } from "zod";
import { ROLES } from "../../shared/roles.js";

import { usernameSchema } from "../../shared/api/staff.js";
import { loginBodySchema, setupAcceptBodySchema, passwordSchema, totpCodeSchema, totpConfirmBodySchema } from "../../shared/api/auth.js";

// Declared once in src/shared/api, where the console's forms read them too.
export { usernameSchema, passwordSchema, totpCodeSchema };
export const loginBody = loginBodySchema;

export const sessionReply = z.object({
  stage: z.enum(["enrol", "full"]),
  csrfToken: z.string(),
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) }),
});

export const setupInspectBody = z.object({ token: z.string().min(20).max(100) });
export const setupAcceptBody = setupAcceptBodySchema;

export const totpBeginReply = z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() });
export const totpConfirmBody = totpConfirmBodySchema;
export const csrfReply = z.object({ stage: z.enum(["enrol", "full"]), csrfToken: z.string() });
/** After accepting a setup link: the recovery key is in this answer and nowhere else, ever. */
export const setupAcceptReply = csrfReply.extend({ recoveryKey: z.string() });
