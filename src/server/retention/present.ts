import { RETENTION_RULES, type HOLD_REASONS, type RetentionRule } from "../../shared/api/retention.js";
import type { ProposalRow, RuleSetting } from "./rules.js";
import type { DueItem } from "./due.js";

/** What leaves the server about retention: rules, proposals, case numbers and codes; never content. */
export const presentRule = (r: RuleSetting) => ({ rule: r.rule, days: r.days, enabled: r.enabled, updatedAt: r.updatedAt?.toISOString() ?? null, purges: RETENTION_RULES[r.rule].purges });

export const presentProposal = ({ p, proposedByName, decidedByName }: ProposalRow) => ({
  id: p.id,
  rule: p.rule as RetentionRule,
  days: p.days,
  enabled: p.enabled,
  proposedBy: p.proposedBy,
  proposedByName,
  proposedAt: p.proposedAt.toISOString(),
  decidedBy: p.decidedBy,
  decidedByName,
  decidedAt: p.decidedAt?.toISOString() ?? null,
  outcome: p.outcome as "approved" | "refused" | "withdrawn" | null,
});

export const presentDue = (d: DueItem) => ({ caseId: d.caseId, number: d.number, state: d.state, rule: d.rule, dueSince: d.dueSince.toISOString() });

export const presentHold = (h: { caseId: string; number: number; reason: string; placedBy: string; placedAt: Date }) => ({
  caseId: h.caseId,
  number: h.number,
  reason: h.reason as (typeof HOLD_REASONS)[number],
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
});
