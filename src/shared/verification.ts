/** Verification's vocabulary (issue 11), shared by the server's schemas and the console. */
export const CHECK_RESULTS = ["holds", "doubtful", "fails", "not_checked"] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export const DECISIONS = ["verified", "rejected"] as const;
export type Decision = (typeof DECISIONS)[number];

/** Why: "genuine" goes with verified, every other code with rejected. */
export const REASON_CODES = ["genuine", "provocation", "fake", "duplicate", "not_serious", "unreachable"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const STAGES = ["first", "second", "disagreement", "signoff", "decided"] as const;
export type Stage = (typeof STAGES)[number];

/** The factors the risk rules know; each rule's weight is data (settings). */
export const RISK_FACTORS = ["watchlist_hit", "watchlist_name_only", "shared_channel_identity", "first_contact_burst", "identity_changed", "unit_mismatch", "probing_questions", "failed_checks"] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];

export const decisionFits = (decision: Decision, code: ReasonCode) => (decision === "verified") === (code === "genuine");

/** Why a verified case must be verified again before a handover is planned: what changed since the verdict. */
export const RECHECK_REASONS = ["identity_changed", "new_identity", "watchlist_hit"] as const;
export type RecheckReason = (typeof RECHECK_REASONS)[number];
