import { and, count, eq, gte, inArray, lte, ne, sql } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { blindIndexes, cases } from "../db/schema.js";
import type { RiskFactor } from "../../shared/verification.js";
import type { VerificationSettings } from "./settings.js";
import { verificationChecks, verificationWatchlist } from "./tables.js";
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
 * The score, rule by rule: every factor is counted from the store and multiplied by its weight
 * (data, settings.ts), so a verifier sees exactly why a case scores what it does. No model.
 */
export async function riskOf(db: Pick<Db, "select">, row: { id: string; createdAt: Date }, settings: VerificationSettings, hits?: Awaited<ReturnType<typeof watchlistHits>>): Promise<Risk> {
  const counts = new Map<RiskFactor, number>();
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

  // A failed checklist item raises its own factor, or the general one.
  const failed = await db.select({ item: verificationChecks.item }).from(verificationChecks).where(and(eq(verificationChecks.caseId, row.id), eq(verificationChecks.result, "fails")));
  for (const f of failed) {
    const factor = settings.checklist.find((i) => i.key === f.item)?.factor ?? "failed_checks";
    counts.set(factor, (counts.get(factor) ?? 0) + 1);
  }

  const factors = [...counts].filter(([, n]) => n > 0).map(([factor, n]) => ({ factor, count: n, weight: settings.weights[factor], contribution: n * settings.weights[factor] }));
  const score = factors.reduce((s, f) => s + f.contribution, 0);
  return { score, threshold: settings.highRiskThreshold, high: score >= settings.highRiskThreshold, factors };
}
