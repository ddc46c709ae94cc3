import type { setupTokens, users } from "../db/schema.js";
import { staffSchema, type PendingInvitation, type StaffMember } from "../../shared/api/staff.js";

// The schema is the contract shared with the console (src/shared/api/staff.ts).
export { staffSchema };

/** What leaves the server about a staff member: never the password hash or TOTP secret. */
export function presentStaff(u: typeof users.$inferSelect): StaffMember {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as StaffMember["role"],
    totpEnabled: u.totpEnabled,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** A pending invitation: never its token (the link is shown once, when it is made). */
export function presentInvitation(t: typeof setupTokens.$inferSelect, createdByName: string | null): PendingInvitation {
  return {
    id: t.id,
    role: t.role as PendingInvitation["role"],
    username: t.username,
    purpose: t.purpose,
    createdBy: t.createdBy,
    createdByName,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
  };
}
