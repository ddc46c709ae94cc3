import type { DryRun, HoldReason, HoldView, ProposalView, RetentionRule, RuleView } from "../../shared/api/retention";
import { del, get, post, put } from "./client";

export type { DryRun, HoldReason, HoldView, ProposalView, RetentionRule, RuleView } from "../../shared/api/retention";

/** Retention: rules (changed by one administrator, approved by another), the dry run and legal holds. */
export const retentionApi = {
  settings: () => get<{ rules: RuleView[]; proposals: ProposalView[] }>("/api/retention"),
  propose: (p: { rule: RetentionRule; days: number; enabled: boolean }) => post<ProposalView>("/api/retention/proposals", p),
  decide: (id: string, outcome: "approved" | "refused") => post<ProposalView>(`/api/retention/proposals/${encodeURIComponent(id)}/decision`, { outcome }),
  dryRun: () => get<DryRun>("/api/retention/dry-run"),
  holds: () => get<HoldView[]>("/api/retention/holds"),
  hold: (number: number, reason: HoldReason) => put<HoldView>(`/api/retention/holds/${number}`, { reason }),
  lift: (number: number) => del<void>(`/api/retention/holds/${number}`),
};
