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

/**
 * What the unit rule found (risk.ts): the claimed unit is not on the plausibility list, or it is
 * but the list does not have it in the claimed sector. A code, never the unit or the sector.
 */
export const UNIT_FINDINGS = ["not_listed", "sector_not_listed"] as const;
export type UnitFinding = (typeof UNIT_FINDINGS)[number];

/** The identity kinds whose several values on one case are drift (a name alone is written many ways: not counted). */
export const DRIFT_KINDS = ["service_number", "name_birth"] as const;

/**
 * The questionnaire's regions as the sectors of the plausibility list: ISO 3166-2:UA as operations
 * use them, ISO 3166-2:RU for the Russian border regions; "other" claims no sector.
 */
export const REGION_SECTORS = {
  zaporizhzhia: "UA-23",
  kherson: "UA-65",
  donetsk: "UA-14",
  luhansk: "UA-09",
  kharkiv: "UA-63",
  dnipropetrovsk: "UA-12",
  sumy: "UA-59",
  crimea: "UA-43",
  kursk: "RU-KRS",
  belgorod: "RU-BEL",
  bryansk: "RU-BRY",
  other: null,
} as const satisfies Record<string, string | null>;

export const decisionFits = (decision: Decision, code: ReasonCode) => (decision === "verified") === (code === "genuine");

/** Why a verified case must be verified again before a handover is planned: what changed since the verdict. */
export const RECHECK_REASONS = ["identity_changed", "new_identity", "watchlist_hit"] as const;
export type RecheckReason = (typeof RECHECK_REASONS)[number];
