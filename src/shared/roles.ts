/** Staff roles, as DOMAIN.md names them. The order is only for display. */
export const ROLES = [
  "operator",
  "verifier",
  "coordinator",
  "registrar",
  "reward_officer",
  "resettlement_officer",
  "supervisor",
  "admin",
] as const;
export type Role = (typeof ROLES)[number];
