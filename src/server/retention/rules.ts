import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { users } from "../db/schema.js";
import type { AppContext } from "../context.js";
import type { SessionUser } from "../auth/sessions.js";
import type { Db } from "../db/index.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";
import { retentionProposals, retentionRules } from "./tables.js";
import { RETENTION_RULES, type RetentionRule } from "../../shared/api/retention.js";

export { RETENTION_RULES, type RetentionRule };

export interface RuleSetting {
  rule: RetentionRule;
  days: number;
  enabled: boolean;
  updatedAt: Date | null;
}

/** The rules in force: the stored row of each, or its default while none was ever changed. */
export async function readRules(db: Pick<Db, "select">): Promise<RuleSetting[]> {
  const rows = await db.select().from(retentionRules);
  return (Object.keys(RETENTION_RULES) as RetentionRule[]).map((rule) => {
    const row = rows.find((r) => r.rule === rule);
    return row ? { rule, days: row.days, enabled: row.enabled, updatedAt: row.updatedAt } : { rule, days: RETENTION_RULES[rule].defaultDays, enabled: true, updatedAt: null };
  });
}

const proposer = alias(users, "proposer");
const decider = alias(users, "decider");

/** Proposals with the names of who proposed and who decided (the console shows people, not ids). */
function proposalsWhere(db: Pick<Db, "select">, where: SQL | undefined) {
  return db
    .select({ p: retentionProposals, proposedByName: proposer.displayName, decidedByName: decider.displayName })
    .from(retentionProposals)
    .innerJoin(proposer, eq(proposer.id, retentionProposals.proposedBy))
    .leftJoin(decider, eq(decider.id, retentionProposals.decidedBy))
    .where(where)
    .orderBy(desc(retentionProposals.proposedAt))
    .limit(50);
}
export type ProposalRow = Awaited<ReturnType<typeof proposalsWhere>>[number];

export const listProposals = (db: Pick<Db, "select">) => proposalsWhere(db, undefined);
export async function proposalById(db: Pick<Db, "select">, id: string): Promise<ProposalRow> {
  const [row] = await proposalsWhere(db, eq(retentionProposals.id, id));
  if (!row) throw new AppError("not_found", "no such proposal");
  return row;
}

/**
 * Propose a new period for a rule. It takes effect only when another administrator approves it:
 * one person alone can neither shorten a period (destroying what others still need) nor lengthen
 * it (keeping what the law says to destroy). One pending proposal per rule.
 */
export async function proposeRuleChange(ctx: AppContext, user: SessionUser, input: { rule: RetentionRule; days: number; enabled: boolean }) {
  return ctx.db.transaction(async (tx) => {
    const [pending] = await tx.select({ id: retentionProposals.id }).from(retentionProposals).where(and(eq(retentionProposals.rule, input.rule), isNull(retentionProposals.decidedAt))).for("update");
    if (pending) throw new AppError("conflict", "a change of this rule is already waiting for approval");
    const [row] = await tx.insert(retentionProposals).values({ ...input, proposedBy: user.id, proposedAt: ctx.now() }).returning();
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "retention.rule_proposed", subjectType: "retention_rule", subjectId: input.rule, details: { days: input.days, enabled: input.enabled } });
    return row!.id;
  });
}

/** Approve or refuse a pending proposal: never the proposer's own. Approval applies it at once. */
export async function decideRuleChange(ctx: AppContext, user: SessionUser, id: string, outcome: "approved" | "refused") {
  return ctx.db.transaction(async (tx) => {
    const [p] = await tx.select().from(retentionProposals).where(eq(retentionProposals.id, id)).for("update");
    if (!p) throw new AppError("not_found", "no such proposal");
    if (p.decidedAt) throw new AppError("conflict", "this proposal was already decided");
    if (p.proposedBy === user.id) throw new AppError("forbidden", "a second administrator must decide on your proposal");
    const now = ctx.now();
    await tx.update(retentionProposals).set({ decidedBy: user.id, decidedAt: now, outcome }).where(eq(retentionProposals.id, id));
    if (outcome === "approved") {
      const values = { rule: p.rule, days: p.days, enabled: p.enabled, updatedAt: now, proposedBy: p.proposedBy, approvedBy: user.id };
      await tx.insert(retentionRules).values(values).onConflictDoUpdate({ target: retentionRules.rule, set: values });
    }
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: `retention.rule_${outcome}`, subjectType: "retention_rule", subjectId: p.rule, details: { proposal: p.id, days: p.days, enabled: p.enabled } });
    return p.id;
  });
}
