import type { Role } from "../../shared/roles";

/**
 * What the console shows to whom. This only hides links and buttons that would be refused:
 * the server's policy table (src/server/auth/policy.ts) decides, and this mirror must never
 * grant more than it does. `satisfies Record<Role, …>` makes a new role a compile error here.
 */
export type Capability =
  | "staff.list"
  | "staff.manage"
  | "audit.read"
  | "audit.verify"
  | "cases.list"
  | "cases.read"
  | "cases.reply"
  | "cases.note"
  | "cases.assign"
  | "cases.transition"
  | "cases.merge"
  /** Log a phone call (may open a new case: the server's case "create"). */
  | "calls.log"
  /** Search by name, phone, service number, Telegram, receipt code (reads identities). */
  | "cases.searchIdentity"
  | "queue.read"
  | "teams.read"
  | "teams.manage"
  | "canned.manage"
  | "settings.manage";

// Mirrors src/server/auth/policy.ts (the server decides; this only hides what would be refused).
const CASE_WORK = ["cases.list", "cases.read", "cases.note", "cases.transition", "cases.assign", "cases.searchIdentity"] as const;

const GRANTS = {
  operator: [...CASE_WORK, "cases.reply", "cases.merge", "calls.log"],
  verifier: [...CASE_WORK, "cases.merge"],
  coordinator: [...CASE_WORK, "cases.reply"],
  registrar: [...CASE_WORK],
  reward_officer: [...CASE_WORK],
  resettlement_officer: [...CASE_WORK],
  supervisor: ["staff.list", "audit.read", "cases.list", "queue.read", "teams.read"],
  admin: ["staff.list", "staff.manage", "audit.read", "audit.verify", "teams.read", "teams.manage", "canned.manage", "settings.manage"],
} as const satisfies Record<Role, readonly Capability[]>;

export function can(role: Role, capability: Capability): boolean {
  return (GRANTS[role] as readonly Capability[]).includes(capability);
}
