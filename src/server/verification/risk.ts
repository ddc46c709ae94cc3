import { and, count, eq, gte, inArray, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { blindIndexes, cases } from "../db/schema.js";
import { DRIFT_KINDS, type RiskFactor, type UnitFinding } from "../../shared/verification.js";
import type { VerificationSettings } from "./settings.js";
import { verificationCases, verificationChecks, verificationWatchlist, type ContentFindings } from "./tables.js";
import { activeEntryFor, NAME_ONLY, sameIdentifier } from "./watchlist-match.js";

/** The identifier kinds that tie a request to a person across channels. */
export const IDENTITY_KINDS = ["phone", "whatsapp", "telegram_id", "telegram_username", "service_number", "name", "name_birth"] as const;
const CHANNEL_KINDS = ["phone", "whatsapp", "telegram_id"] as const;

export interface RiskFactorScore {
  factor: RiskFactor;
  /** How many times it was seen (hits, other cases, first contacts, failed items). */
  count: number;
  weight: number;
  contribution: number;
  /** Identity drift: the kinds with several values on the case, and how many each. */
  drift?: { kind: string; values: number }[];
  /** The unit rule's finding. */
  unit?: UnitFinding;
  /** The probing rules: messages matched and the keys of the rules. */
  probing?: { messages: number; rules: string[] };
  /** A verifier marked the checklist item of this factor as failing: one more in the count. */
  failedCheck?: boolean;
}
export interface Risk {
  score: number;
  threshold: number;
  high: boolean;
  factors: RiskFactorScore[];
}

/** Active watchlist entries matching one of the case's blind indexes (its own entries excluded). */
export async function watchlistHits(db: Pick<Db, "select">, caseId: string) {
  return db
    .select({ id: verificationWatchlist.id, kind: verificationWatchlist.kind, reasonCode: verificationWatchlist.reasonCode, sourceCaseId: verificationWatchlist.sourceCaseId, createdAt: verificationWatchlist.createdAt })
    .from(verificationWatchlist)
    .innerJoin(blindIndexes, sameIdentifier)
    .where(and(eq(blindIndexes.caseId, caseId), activeEntryFor(caseId)));
}

/**
 * Identity drift, counted on blind indexes alone (nothing decrypted): how many different values
 * of each drift kind (service number, name with date of birth) the case and the cases merged into
 * it have had. The index is append-only (one row per value, never replaced), so an earlier value stays counted.
 */
export async function identityDrift(db: Pick<Db, "select">, caseId: string): Promise<{ kind: string; values: number }[]> {
  const merged = db.select({ id: cases.id }).from(cases).where(eq(cases.mergedInto, caseId));
  const rows = await db
    .select({ kind: blindIndexes.kind, values: sql<number>`count(distinct ${blindIndexes.value})::int` })
    .from(blindIndexes)
    .where(and(or(eq(blindIndexes.caseId, caseId), inArray(blindIndexes.caseId, merged)), inArray(blindIndexes.kind, [...DRIFT_KINDS])))
    .groupBy(blindIndexes.kind);
  return rows.filter((r) => r.values > 1).sort((a, b) => a.kind.localeCompare(b.kind));
}

/**
 * The score, rule by rule: every factor is counted from the store and multiplied by its weight
 * (data, settings.ts), so a verifier sees exactly why a case scores what it does. No model.
 * `content` is what the rules reading the case's content found on this request (a verifier's,
 * holding the key); without it, what they found when a verifier last read the case.
 */
export async function riskOf(db: Pick<Db, "select">, row: { id: string; createdAt: Date }, settings: VerificationSettings, hits?: Awaited<ReturnType<typeof watchlistHits>>, content?: ContentFindings | null): Promise<Risk> {
  const counts = new Map<RiskFactor, number>();
  const found = new Map<RiskFactor, Partial<RiskFactorScore>>();
  // A caller that already has the case's watchlist hits (the panel shows them) passes them in.
  // A hit on the name alone (a date of birth unknown on one side) weighs less: it may be a namesake.
  const all = hits ?? (await watchlistHits(db, row.id));
  counts.set("watchlist_hit", new Set(all.filter((h) => h.kind !== NAME_ONLY).map((h) => h.id)).size);
  counts.set("watchlist_name_only", new Set(all.filter((h) => h.kind === NAME_ONLY).map((h) => h.id)).size);

  // One channel identity used by other live cases (a case merged into this one is the same person).
  const mine = db.select({ value: blindIndexes.value }).from(blindIndexes).where(and(eq(blindIndexes.caseId, row.id), inArray(blindIndexes.kind, [...CHANNEL_KINDS])));
  const [shared] = await db
    .select({ n: sql<number>`count(distinct ${blindIndexes.caseId})::int` })
    .from(blindIndexes)
    .innerJoin(cases, eq(cases.id, blindIndexes.caseId))
    .where(and(inArray(blindIndexes.kind, [...CHANNEL_KINDS]), inArray(blindIndexes.value, mine), ne(blindIndexes.caseId, row.id), ne(cases.state, "merged")));
  counts.set("shared_channel_identity", shared?.n ?? 0);

  const from = new Date(row.createdAt.getTime() - settings.burst.minutes * 60_000);
  const [burst] = await db.select({ n: count() }).from(cases).where(and(gte(cases.createdAt, from), lte(cases.createdAt, row.createdAt), ne(cases.id, row.id)));
  counts.set("first_contact_burst", (burst?.n ?? 0) + 1 >= settings.burst.count ? 1 : 0);

  // Each value more than the first is one change of identity.
  const drift = await identityDrift(db, row.id);
  if (drift.length) {
    counts.set("identity_changed", drift.reduce((n, d) => n + d.values - 1, 0));
    found.set("identity_changed", { drift });
  }
  const seen = content !== undefined ? content : ((await db.select({ c: verificationCases.contentFindings }).from(verificationCases).where(eq(verificationCases.caseId, row.id)))[0]?.c ?? null);
  if (seen?.unit) {
    counts.set("unit_mismatch", 1);
    found.set("unit_mismatch", { unit: seen.unit });
  }
  if (seen?.probing) {
    counts.set("probing_questions", seen.probing.messages);
    found.set("probing_questions", { probing: seen.probing });
  }

  // A failed checklist item raises its own factor, or the general one: a verifier's judgement adds to what a rule found.
  const failed = await db.select({ item: verificationChecks.item }).from(verificationChecks).where(and(eq(verificationChecks.caseId, row.id), eq(verificationChecks.result, "fails")));
  for (const f of failed) {
    const factor = settings.checklist.find((i) => i.key === f.item)?.factor ?? "failed_checks";
    counts.set(factor, (counts.get(factor) ?? 0) + 1);
    if (factor !== "failed_checks") found.set(factor, { ...found.get(factor), failedCheck: true });
  }

  const factors = [...counts].filter(([, n]) => n > 0).map(([factor, n]) => ({ factor, count: n, weight: settings.weights[factor], contribution: n * settings.weights[factor], ...found.get(factor) }));
  const score = factors.reduce((s, f) => s + f.contribution, 0);
  return { score, threshold: settings.highRiskThreshold, high: score >= settings.highRiskThreshold, factors };
}
