import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases, users } from "../db/schema.js";
import { decryptFieldText } from "../crypto/fields.js";
import { caseScope, withCaseKey } from "../cases/index.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { riskOf, watchlistHits } from "./risk.js";
import { readSettings } from "./settings.js";
import { tookAsOperator } from "./flow.js";
import { recheckReasons } from "./recheck.js";
import { keepContentFindings, readContentFindings } from "./content-risk.js";
import { indexIdentityChangedSince } from "./identity-index.js";
import { checkNoteContext, reviewNoteContext, verificationCases, verificationChecks, verificationReviews } from "./tables.js";

const READ = { resource: "verification", action: "read" } as const;

/**
 * The case's verification panel for a verifier: checklist, score with factors, watchlist hits,
 * and the reviews. Blindness: while the round waits for its second review, a verifier who has
 * not recorded his own sees only that one exists, never its decision or note.
 */
export async function verificationPanel(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, "verification", "read");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      const settings = await readSettings(ctx.db);
      const [v] = await ctx.db.select().from(verificationCases).where(eq(verificationCases.caseId, caseId));
      // The rules that read the case run here, where the verifier's key opens it; what they find is kept for the queues.
      if (v) await indexIdentityChangedSince(ctx, caseId, caseKey, session.user.role, v.enteredAt);
      const content = await readContentFindings(ctx, session, { caseId, caseKey, publicKey: row.publicKey }, settings);
      if (v) await keepContentFindings(ctx.db, caseId, content);
      const checks = await ctx.db.select().from(verificationChecks).where(eq(verificationChecks.caseId, caseId));
      const reviews = v ? await ctx.db.select().from(verificationReviews).where(and(eq(verificationReviews.caseId, caseId), eq(verificationReviews.round, v.round))).orderBy(asc(verificationReviews.position)) : [];
      const mine = reviews.some((r) => r.reviewerId === session.user.id);
      const open = !v || (v.stage !== "first" && v.stage !== "second") || mine;
      const operator = v ? await tookAsOperator(ctx.db, caseId, v, session.user.id) : false;
      const hits = await watchlistHits(ctx.db, caseId);
      // The panel says who checked an item by name: a verifier weighs a colleague's "holds" by who gave it.
      const checkers = [...new Set(checks.map((c) => c.byId))];
      const names = new Map(checkers.length ? (await ctx.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, checkers))).map((u) => [u.id, u.name]) : []);
      return {
        caseId,
        number: row.number,
        state: row.state,
        stage: v?.stage ?? null,
        round: v?.round ?? 0,
        dueAt: v?.dueAt.toISOString() ?? null,
        enteredAt: v?.enteredAt.toISOString() ?? null,
        outcome: v?.outcome ?? null,
        reasonCode: v?.reasonCode ?? null,
        canReview: row.state === "verifying" && !!v && (v.stage === "first" || v.stage === "second") && !mine && !operator,
        whyNot: operator ? ("operator" as const) : mine ? ("reviewed" as const) : null,
        checklist: settings.checklist.map((item) => {
          const c = checks.find((x) => x.item === item.key);
          return {
            key: item.key,
            label: item.label,
            result: c?.result ?? "not_checked",
            note: c?.note ? decryptFieldText(caseKey, checkNoteContext(caseId, item.key), c.note) : null,
            byId: c?.byId ?? null,
            byName: c ? (names.get(c.byId) ?? null) : null,
            at: c?.at.toISOString() ?? null,
          };
        }),
        risk: await riskOf(ctx.db, row, settings, hits, content),
        reviewCount: reviews.length,
        reviews: open
          ? reviews.map((r) => ({
              reviewerId: r.reviewerId,
              decision: r.decision,
              reasonCode: r.reasonCode,
              note: r.note ? decryptFieldText(caseKey, reviewNoteContext(caseId, r.id), r.note) : null,
              at: r.createdAt.toISOString(),
            }))
          : null,
        watchlistHits: hits.map((h) => ({ kind: h.kind, reasonCode: h.reasonCode, listedAt: h.createdAt.toISOString() })),
        recheck: await recheckReasons(ctx.db, caseId),
      };
    },
    READ,
  );
}

/** The verifier's queue: cases of his scope in verification, by due time, with risk and his part. */
export async function verificationQueue(ctx: AppContext, session: StaffSession) {
  authorize(session.user, "verification", "read");
  const scope = caseScope(session.user, READ);
  const rows = await ctx.db
    .select({ id: cases.id, number: cases.number, channel: cases.channel, createdAt: cases.createdAt, stage: verificationCases.stage, round: verificationCases.round, dueAt: verificationCases.dueAt, enteredAt: verificationCases.enteredAt })
    .from(verificationCases)
    .innerJoin(cases, eq(cases.id, verificationCases.caseId))
    .where(and(eq(cases.state, "verifying"), ne(verificationCases.stage, "decided"), ...(scope ? [scope] : [])))
    .orderBy(asc(verificationCases.dueAt))
    .limit(200);
  const settings = await readSettings(ctx.db);
  const reviewed = rows.length ? await ctx.db.select({ caseId: verificationReviews.caseId, round: verificationReviews.round, reviewerId: verificationReviews.reviewerId }).from(verificationReviews).where(inArray(verificationReviews.caseId, rows.map((r) => r.id))) : [];
  const out = [];
  for (const r of rows) {
    const risk = await riskOf(ctx.db, r, settings);
    const mine = reviewed.filter((x) => x.caseId === r.id && x.round === r.round);
    out.push({ caseId: r.id, number: r.number, channel: r.channel, stage: r.stage, dueAt: r.dueAt.toISOString(), enteredAt: r.enteredAt.toISOString(), score: risk.score, high: risk.high, reviewCount: mine.length, reviewedByMe: mine.some((x) => x.reviewerId === session.user.id) });
  }
  return out;
}

/**
 * The supervisor's queue: disagreements and high-risk sign-offs, with what he decides on (the
 * reviews' decisions and codes, the risk factors) and nothing that identifies the applicant.
 */
export async function supervisionQueue(ctx: AppContext, session: StaffSession) {
  authorize(session.user, "verification", "decide");
  const rows = await ctx.db
    .select({ id: cases.id, number: cases.number, createdAt: cases.createdAt, stage: verificationCases.stage, round: verificationCases.round, dueAt: verificationCases.dueAt })
    .from(verificationCases)
    .innerJoin(cases, eq(cases.id, verificationCases.caseId))
    .where(and(eq(cases.state, "verifying"), inArray(verificationCases.stage, ["disagreement", "signoff"])))
    .orderBy(asc(verificationCases.dueAt))
    .limit(200);
  const settings = await readSettings(ctx.db);
  const out = [];
  for (const r of rows) {
    const reviews = await ctx.db.select({ decision: verificationReviews.decision, reasonCode: verificationReviews.reasonCode, at: verificationReviews.createdAt }).from(verificationReviews).where(and(eq(verificationReviews.caseId, r.id), eq(verificationReviews.round, r.round))).orderBy(asc(verificationReviews.position));
    out.push({ caseId: r.id, number: r.number, stage: r.stage, dueAt: r.dueAt.toISOString(), risk: await riskOf(ctx.db, r, settings), reviews: reviews.map((x) => ({ decision: x.decision, reasonCode: x.reasonCode, at: x.at.toISOString() })) });
  }
  return out;
}

