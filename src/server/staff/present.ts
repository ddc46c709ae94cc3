import type { users } from "../db/schema.js";
import { z } from "zod";
import { ROLES } from "../../shared/roles.js";

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

export function presentStaff(u: typeof users.$inferSelect): z.infer<typeof staffSchema> {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as z.infer<typeof staffSchema>["role"],
    totpEnabled: u.totpEnabled,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}
