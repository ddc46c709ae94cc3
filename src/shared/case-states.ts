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

/**
 * The stage grant a move needs: an action of the policy's `case` resource (the server checks at
 * compile time that each one exists). Intake triage belongs to operators, the verdict to
 * verifiers, the handover to coordinators, the registration to registrars.
 */
export type MoveGrant = "triage" | "verify" | "plan" | "register";

/**
 * Every allowed move and the grant it needs: the one declared table. Guards (checks that must
 * hold) and on-enter effects are registered on it by the capability that owns them
 * (src/server/cases/transitions.ts). `merged` is reached only by merging, never by a plain move.
 */
export const MOVES = {
  new: { in_contact: "triage", preliminary: "triage", rejected: "triage" },
  in_contact: { preliminary: "triage", rejected: "triage" },
  preliminary: { verifying: "triage", in_contact: "triage", rejected: "triage" },
  verifying: { verified: "verify", rejected: "verify", preliminary: "verify" },
  verified: { awaiting_deployment: "plan", planning: "plan", rejected: "verify", verifying: "verify" },
  rejected: { verifying: "verify" },
  awaiting_deployment: { planning: "plan", rejected: "verify", verifying: "verify" },
  planning: { scheduled: "plan", awaiting_deployment: "plan", aborted: "plan" },
  scheduled: { handed_over: "plan", no_show: "plan", aborted: "plan", planning: "plan" },
  handed_over: { registered_pow: "register" },
  no_show: { planning: "plan", awaiting_deployment: "plan", closed: "plan" },
  aborted: { planning: "plan", awaiting_deployment: "plan", closed: "plan" },
  registered_pow: { closed: "register" },
  closed: {},
  merged: {},
} as const satisfies { [F in CaseState]: Partial<Record<CaseState, MoveGrant>> };

/** The possible next states of each state (read from MOVES). */
export const TRANSITIONS = Object.fromEntries(CASE_STATES.map((s) => [s, Object.keys(MOVES[s]) as CaseState[]])) as Record<string, readonly CaseState[]> as { readonly [F in CaseState]: readonly CaseState[] };

/** The grant a move needs, or null when the table has no such move. */
export function moveGrant(from: CaseState, to: CaseState): MoveGrant | null {
  return (MOVES[from] as Partial<Record<CaseState, MoveGrant>>)[to] ?? null;
}

export function canTransition(from: CaseState, to: CaseState): boolean {
  return moveGrant(from, to) !== null;
}

/**
 * How far along the path a state is, for a merge: the case that goes on keeps the more advanced
 * state of the two. A rejection is a verdict on one request, not progress, so it never carries
 * over; a missed or aborted handover stands where planning does.
 */
export const STATE_PROGRESS = {
  rejected: 0,
  new: 1,
  in_contact: 2,
  preliminary: 3,
  verifying: 4,
  verified: 5,
  awaiting_deployment: 6,
  planning: 7,
  no_show: 7,
  aborted: 7,
  scheduled: 8,
  handed_over: 9,
  registered_pow: 10,
  closed: 11,
  merged: 0,
} as const satisfies Record<CaseState, number>;

/** Teams, one per stage of the work; a case belongs to one at a time. */
export const TEAMS = ["intake", "verification", "coordination", "registration", "rewards", "resettlement"] as const;
export type TeamId = (typeof TEAMS)[number];
