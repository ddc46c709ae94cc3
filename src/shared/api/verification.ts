import { z } from "zod";
import { CHECK_RESULTS, DECISIONS, REASON_CODES, RECHECK_REASONS, REGION_SECTORS, RISK_FACTORS, STAGES, UNIT_FINDINGS } from "../verification.js";
import oblasts from "../ua-oblasts.json" with { type: "json" };

const freeText = z.string().trim().min(1).max(4000);
export const handoverBody = z.object({ reason: freeText });
export const checkBody = z.object({ result: z.enum(CHECK_RESULTS), note: z.string().trim().max(4000).optional() });
export const reviewBody = z.object({ decision: z.enum(DECISIONS), reasonCode: z.enum(REASON_CODES), note: z.string().trim().max(4000).optional() });
export const supervisorBody = z.object({ decision: z.enum(DECISIONS), reasonCode: z.enum(REASON_CODES), reason: freeText });
export const removeWatchlistBody = z.object({ reason: freeText });
export const stageReply = z.object({ stage: z.enum(STAGES) });

export const riskSchema = z.object({
  score: z.number(),
  threshold: z.number(),
  high: z.boolean(),
  factors: z.array(
    z.object({
      factor: z.enum(RISK_FACTORS),
      count: z.number(),
      weight: z.number(),
      contribution: z.number(),
      // What a computed rule found, as kinds, codes and counts (never a value), and whether a verifier's failed item adds to it.
      drift: z.array(z.object({ kind: z.string(), values: z.number() })).optional(),
      unit: z.enum(UNIT_FINDINGS).optional(),
      probing: z.object({ messages: z.number(), rules: z.array(z.string()) }).optional(),
      failedCheck: z.boolean().optional(),
    }),
  ),
});

export const panelSchema = z.object({
  caseId: z.string(),
  number: z.number(),
  state: z.string(),
  stage: z.enum(STAGES).nullable(),
  round: z.number(),
  dueAt: z.string().nullable(),
  enteredAt: z.string().nullable(),
  outcome: z.enum(DECISIONS).nullable(),
  reasonCode: z.enum(REASON_CODES).nullable(),
  canReview: z.boolean(),
  whyNot: z.enum(["operator", "reviewed"]).nullable(),
  checklist: z.array(z.object({ key: z.string(), label: z.object({ uk: z.string(), en: z.string() }), result: z.enum(CHECK_RESULTS), note: z.string().nullable(), byId: z.string().nullable(), byName: z.string().nullable(), at: z.string().nullable() })),
  risk: riskSchema,
  reviewCount: z.number(),
  /** null while the reader may not see them yet (the second reviewer before his own). */
  reviews: z.array(z.object({ reviewerId: z.string(), decision: z.enum(DECISIONS), reasonCode: z.enum(REASON_CODES), note: z.string().nullable(), at: z.string() })).nullable(),
  watchlistHits: z.array(z.object({ kind: z.string(), reasonCode: z.enum(REASON_CODES), listedAt: z.string() })),
  /** A verified case that new information contradicts: it must be verified again before any handover is planned. */
  recheck: z.array(z.enum(RECHECK_REASONS)),
});
export type VerificationPanel = z.infer<typeof panelSchema>;

export const queueSchema = z.array(
  z.object({ caseId: z.string(), number: z.number(), channel: z.string(), stage: z.enum(STAGES), dueAt: z.string(), enteredAt: z.string(), score: z.number(), high: z.boolean(), reviewCount: z.number(), reviewedByMe: z.boolean() }),
);
export const supervisionSchema = z.array(
  z.object({ caseId: z.string(), number: z.number(), stage: z.enum(STAGES), dueAt: z.string(), risk: riskSchema, reviews: z.array(z.object({ decision: z.enum(DECISIONS), reasonCode: z.enum(REASON_CODES), at: z.string() })) }),
);
/** Verified cases that new information contradicts: a verifier checks them again before any handover is planned. */
export const rechecksSchema = z.array(
  z.object({ caseId: z.string(), number: z.number(), state: z.string(), teamId: z.string(), reasons: z.array(z.enum(RECHECK_REASONS)), verifiedAt: z.string().nullable(), inScope: z.boolean() }),
);
/** A page of that list: the latest verdicts first; 100 unless asked (at most 500), from `offset`. */
export const rechecksQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).max(1_000_000).optional() }).strict();
export type RechecksQuery = z.infer<typeof rechecksQuery>;
export const hitsSchema = z.array(z.object({ caseId: z.string(), number: z.number(), state: z.string(), channel: z.string(), kind: z.string(), reasonCode: z.enum(REASON_CODES), listedAt: z.string(), sourceNumber: z.number().nullable() }));
/** The kinds a verifier puts on the watchlist by hand (a name may carry a date of birth). */
export const WATCHLIST_KINDS = ["phone", "whatsapp", "telegram_id", "telegram_username", "service_number", "name"] as const;
export const watchlistAddBody = z.object({
  kind: z.enum(WATCHLIST_KINDS),
  value: z.string().trim().min(1).max(200),
  birthDate: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD").optional(),
  // A verdict's reason: every code but "genuine".
  reasonCode: z.enum(REASON_CODES).exclude(["genuine"]).default("provocation"),
  note: z.string().trim().max(1000).optional(),
});
export type WatchlistAdd = z.infer<typeof watchlistAddBody>;
export const watchlistAddReply = z.object({ ids: z.array(z.string()) });
/** value, birthDate and note only for a reader who may see them (a verifier holding the team key), else null. */
export const watchlistSchema = z.array(
  z.object({
    id: z.string(),
    kind: z.string(),
    reasonCode: z.string(),
    byHand: z.boolean(),
    sourceNumber: z.number().nullable(),
    value: z.string().nullable(),
    birthDate: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
    removedAt: z.string().nullable(),
  }),
);
export const numbersSchema = z.object({
  decided: z.number(),
  hoursToDecision: z.object({ median: z.number().nullable(), mean: z.number().nullable() }),
  rejectedByReason: z.array(z.object({ reason: z.enum(REASON_CODES), count: z.number(), share: z.number() })),
  agreement: z.object({ pairs: z.number(), agreed: z.number(), kappa: z.number().nullable() }),
  hitsByWeek: z.array(z.object({ week: z.string(), count: z.number() })),
});

/** The verification rules an admin edits (issue 11): checklist items, risk weights and threshold, SLA. */
const label = z.string().trim().min(1).max(200);
/** One checklist item: a stable key, its labels, and the risk factor a "fails" on it raises. */
export const checklistItemSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/),
  label: z.object({ uk: label, en: label }),
  factor: z.enum(RISK_FACTORS).nullable(),
});
const ruleKey = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/);
const unique = <T extends { key: string }>(items: T[]) => new Set(items.map((i) => i.key)).size === items.length;
/** The sectors a unit may be listed in: the oblasts of ISO 3166-2:UA and the Russian border regions the questionnaire knows. */
export const SECTOR_CODES = [...oblasts.subdivisions.map((s) => s.code), ...(Object.values(REGION_SECTORS) as (string | null)[]).filter((c): c is string => !!c && c.startsWith("RU-"))];
/** A known unit: the names it goes by (any one, as words of the claim, matches) and the sectors it is reported in (none: only the name is checked). */
export const knownUnitSchema = z.object({
  key: ruleKey,
  names: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
  sectors: z.array(z.string().refine((c) => SECTOR_CODES.includes(c), "an ISO 3166-2 code of the list")).max(40),
});
/** A probing rule: phrases (each matched from the start of a word, so a stem catches its endings) that ask the hotline for its locations or procedures. */
export const probingRuleSchema = z.object({ key: ruleKey, phrases: z.array(z.string().trim().min(2).max(200)).min(1).max(50) });
export const settingsSchema = z.object({
  slaHours: z.number().int().min(1).max(24 * 14),
  /** A score at or above this is high risk: two reviews and a supervisor's sign-off. */
  highRiskThreshold: z.number().int().min(1).max(1000),
  weights: z.object({
    ...(Object.fromEntries(RISK_FACTORS.map((f) => [f, z.number().int().min(0).max(100)])) as Record<(typeof RISK_FACTORS)[number], z.ZodNumber>),
    // Added after rules were stored: a stored row without it keeps its other weights.
    watchlist_name_only: z.number().int().min(0).max(100).default(15),
  }),
  /** A burst: this many first contacts from new identities within the window before the case. */
  burst: z.object({ count: z.number().int().min(2).max(1000), minutes: z.number().int().min(1).max(24 * 60) }),
  checklist: z.array(checklistItemSchema).min(1).max(40).refine(unique, "checklist keys must differ"),
  /** The plausibility list of the unit rule: empty, the rule is off (no list, nothing to fit). */
  units: z.array(knownUnitSchema).max(1000).refine(unique, "unit keys must differ"),
  probing: z.array(probingRuleSchema).max(50).refine(unique, "rule keys must differ"),
});
export type VerificationSettings = z.infer<typeof settingsSchema>;
