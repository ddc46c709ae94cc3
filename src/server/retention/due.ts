import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { rowsOf } from "../db/index.js";
import type { CaseState } from "../../shared/case-states.js";
import type { RetentionRule } from "../../shared/api/retention.js";
import type { RuleSetting } from "./rules.js";

/** Open states a request can be left in. Not planning or scheduled (an operation owns those) and never a registered prisoner. */
export const INACTIVE_STATES = ["new", "in_contact", "preliminary", "verifying", "verified", "awaiting_deployment", "no_show", "aborted"] as const satisfies readonly CaseState[];

export interface DueItem {
  caseId: string;
  number: number;
  state: string;
  rule: RetentionRule;
  dueSince: Date;
}

/** The moment the case entered its present state (its history says; the last update otherwise). */
const enteredState = sql`COALESCE((SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.to_state = c.state), c.updated_at)`;
/** The last contact either way, or the opening when nobody ever wrote. */
const lastContact = sql`GREATEST(c.created_at, c.last_inbound_at, c.last_outbound_at)`;

/** For each rule: which cases it reaches and from when (the anchor). Held cases are left out by the caller. */
const RULE_SQL: Record<RetentionRule, { anchor: SQL; where: SQL }> = {
  rejected_case: { anchor: enteredState, where: sql`c.state = 'rejected'` },
  inactive_case: { anchor: lastContact, where: sql`c.state IN (${sql.join(INACTIVE_STATES.map((s) => sql`${s}`), sql`, `)})` },
  // Only while something is left to purge, so a purged case does not come back every night.
  closed_messages: { anchor: enteredState, where: sql`c.state = 'closed' AND (EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id) OR EXISTS (SELECT 1 FROM attachments a WHERE a.case_id = c.id))` },
};

/**
 * What the rules in force would purge at `asOf`: the dry run the console and the CLI show, and
 * the list the job works through. Merged cases are not listed: they go with the case they were
 * merged into. A case under a legal hold is never listed, only counted.
 */
export async function findDue(db: Pick<Db, "execute">, rules: RuleSetting[], asOf: Date, limit = 1000): Promise<{ items: DueItem[]; held: number }> {
  const items: DueItem[] = [];
  let held = 0;
  for (const r of rules) {
    if (!r.enabled) continue;
    const { anchor, where } = RULE_SQL[r.rule];
    const cutoff = new Date(asOf.getTime() - r.days * 86_400_000);
    const rows = await rowsOf<{ id: string; number: number | string; state: string; anchor: Date | string; held: boolean }>(
      db,
      sql`SELECT c.id, c.number, c.state, ${anchor} AS anchor, EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id) AS held
          FROM cases c WHERE ${where} AND c.merged_into IS NULL AND ${anchor} <= ${cutoff.toISOString()}::timestamptz
          ORDER BY anchor LIMIT ${limit}`,
    );
    for (const row of rows) {
      if (row.held) {
        held++;
        continue;
      }
      items.push({ caseId: row.id, number: Number(row.number), state: row.state, rule: r.rule, dueSince: new Date(new Date(row.anchor).getTime() + r.days * 86_400_000) });
    }
  }
  return { items, held };
}
