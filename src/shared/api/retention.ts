import { z } from "zod";

/**
 * The retention rules: what each one destroys and its default period. The periods are data
 * (retention_rules, changed by one administrator and approved by another); what a rule means is
 * code, declared once here for the server and the console.
 *  - rejected_case: a request rejected as not genuine, N days after the rejection: the whole case.
 *  - inactive_case: an open request with no contact either way for N days: the whole case.
 *  - closed_messages: a closed case's conversation and attachments, N days after closing; the
 *    registration record stays (the Geneva Convention obligations outlive the conversation).
 * Rendezvous details are destroyed when their operation closes, by the operations capability.
 */
export const RETENTION_RULES = {
  rejected_case: { defaultDays: 90, purges: "case" },
  inactive_case: { defaultDays: 180, purges: "case" },
  closed_messages: { defaultDays: 365, purges: "messages" },
} as const;
export type RetentionRule = keyof typeof RETENTION_RULES;
export const retentionRuleSchema = z.enum(Object.keys(RETENTION_RULES) as [RetentionRule, ...RetentionRule[]]);

/** Why a case is held. A code, never free text: the hold list must not become a place for notes about people. */
export const HOLD_REASONS = ["investigation", "court_order", "applicant_request", "exchange_pending", "other"] as const;
export const holdBodySchema = z.object({ reason: z.enum(HOLD_REASONS) });

export const ruleSchema = z.object({ rule: retentionRuleSchema, days: z.number().int(), enabled: z.boolean(), updatedAt: z.string().nullable(), purges: z.enum(["case", "messages"]) });
export const proposalBodySchema = z.object({ rule: retentionRuleSchema, days: z.number().int().min(1).max(36500), enabled: z.boolean() });
export const proposalSchema = z.object({
  id: z.string(),
  rule: retentionRuleSchema,
  days: z.number().int(),
  enabled: z.boolean(),
  proposedBy: z.string(),
  proposedByName: z.string(),
  proposedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  outcome: z.enum(["approved", "refused", "withdrawn"]).nullable(),
});
export const decisionBodySchema = z.object({ outcome: z.enum(["approved", "refused"]) });
export const retentionSettingsSchema = z.object({ rules: z.array(ruleSchema), proposals: z.array(proposalSchema) });

/** One case the next run would purge: its number, state, the rule and since when it is due. Nothing about the person. */
export const dueItemSchema = z.object({ caseId: z.string(), number: z.number(), state: z.string(), rule: retentionRuleSchema, dueSince: z.string() });
export const dryRunSchema = z.object({ asOf: z.string(), items: z.array(dueItemSchema), held: z.number().int() });
export const holdSchema = z.object({ caseId: z.string(), number: z.number(), reason: z.enum(HOLD_REASONS), placedBy: z.string(), placedAt: z.string() });
export const runResultSchema = z.object({ casesPurged: z.number().int(), messagesPurged: z.number().int(), filesRemoved: z.number().int() });

export type RuleView = z.infer<typeof ruleSchema>;
export type ProposalView = z.infer<typeof proposalSchema>;
export type DryRun = z.infer<typeof dryRunSchema>;
export type HoldView = z.infer<typeof holdSchema>;
export type HoldReason = (typeof HOLD_REASONS)[number];
