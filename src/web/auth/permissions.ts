import type { Role } from "../../shared/roles";

/**
 * What the console shows to whom. This only hides links and buttons that would be refused:
 * the server's policy table (src/server/auth/policy.ts) decides, and this mirror must never
 * grant more than it does. `satisfies Record<Role, …>` makes a new role a compile error here.
 */
export type Capability = "staff.list" | "staff.manage" | "audit.read" | "audit.verify";

const GRANTS = {
  operator: [],
  verifier: [],
  coordinator: [],
  registrar: [],
  reward_officer: [],
  resettlement_officer: [],
  supervisor: ["staff.list", "audit.read"],
  admin: ["staff.list", "staff.manage", "audit.read", "audit.verify"],
} as const satisfies Record<Role, readonly Capability[]>;

export function can(role: Role, capability: Capability): boolean {
  return (GRANTS[role] as readonly Capability[]).includes(capability);
}
