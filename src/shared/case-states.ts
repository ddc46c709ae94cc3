/**
 * Case states and the transitions between them: one declared table (DOMAIN.md), read by the
 * server to allow or refuse a move and by the console to offer the possible next steps.
 */
export const CASE_STATES = [
  "new",
  "in_contact",
  "preliminary",
  "verifying",
  "verified",
  "rejected",
  "awaiting_deployment",
  "planning",
  "scheduled",
  "handed_over",
  "no_show",
  "aborted",
  "registered_pow",
  "closed",
  "merged",
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CHANNELS = ["web", "telegram", "whatsapp", "phone"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Every allowed move. `merged` is reached only by merging, never by a plain transition. */
export const TRANSITIONS = {
  new: ["in_contact", "preliminary", "rejected"],
  in_contact: ["preliminary", "rejected"],
  preliminary: ["verifying", "in_contact", "rejected"],
  verifying: ["verified", "rejected", "preliminary"],
  verified: ["awaiting_deployment", "planning", "rejected"],
  rejected: ["verifying"],
  awaiting_deployment: ["planning", "rejected"],
  planning: ["scheduled", "awaiting_deployment", "aborted"],
  scheduled: ["handed_over", "no_show", "aborted", "planning"],
  handed_over: ["registered_pow"],
  no_show: ["planning", "awaiting_deployment", "closed"],
  aborted: ["planning", "awaiting_deployment", "closed"],
  registered_pow: ["closed"],
  closed: [],
  merged: [],
} as const satisfies Record<CaseState, readonly CaseState[]>;

export function canTransition(from: CaseState, to: CaseState): boolean {
  return (TRANSITIONS[from] as readonly CaseState[]).includes(to);
}

/** Teams, one per stage of the work; a case belongs to one at a time. */
export const TEAMS = ["intake", "verification", "coordination", "registration", "rewards", "resettlement"] as const;
export type TeamId = (typeof TEAMS)[number];
