import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { cases } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { sealTo } from "../crypto/box.js";
import { assignCase, findCase, transitionCase, withCaseKey } from "../cases/index.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { decisionFits, type CheckResult, type Decision, type ReasonCode, type Stage } from "../../shared/verification.js";
import { applyVerdict, lockVerification, recordStage, tookAsOperator } from "./flow.js";
import { riskOf } from "./risk.js";
import { indexAcrossKinds } from "./watchlist.js";
import { indexIdentityChangedSince, indexWrittenIdentity } from "./identity-index.js";
import { keepContentFindings, readContentFindings } from "./content-risk.js";
import { readSettings } from "./settings.js";
import { checkNoteContext, reviewNoteContext, verificationCases, verificationChecks, verificationReviews } from "./tables.js";

const REVIEW = { resource: "verification", action: "review" } as const;

/**
 * The operator sends a preliminary surrender to verification: the case moves to `verifying`
 * (which opens the round, flow.ts) and then goes to the verification team, whose members alone
 * see it in their queue; the operator's access goes with the hand-over.
 */
export async function handOverToVerification(ctx: AppContext, session: StaffSession, caseId: string, reason: string) {
  // What the operator wrote down of his identity is indexed now, while he holds the key: the watchlist matches on it.
  await withCaseKey(ctx, session, caseId, (caseKey) => ctx.db.transaction((tx) => indexWrittenIdentity(ctx, tx, caseId, caseKey, session.user.role)), { resource: "case", action: "triage" });
  await transitionCase(ctx, session, caseId, "verifying", reason);
  await assignCase(ctx, session, caseId, { teamId: "verification", userId: null });
}

/** One checklist item's result and note (encrypted under the case key), by a verifier. */
export async function recordCheck(ctx: AppContext, session: StaffSession, caseId: string, item: string, input: { result: CheckResult; note?: string | undefined }) {
  authorize(session.user, "verification", "review");
  const { checklist } = await readSettings(ctx.db);
  if (!checklist.some((i) => i.key === item)) throw new AppError("bad_request", "no such checklist item");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      if (row.state !== "verifying") throw new AppError("conflict", "this case is not being verified");
      const note = input.note ? encryptField(caseKey, checkNoteContext(caseId, item), input.note) : null;
      await ctx.db.transaction(async (tx) => {
        const values = { caseId, item, result: input.result, note, byId: session.user.id, at: ctx.now() };
        await tx.insert(verificationChecks).values(values).onConflictDoUpdate({ target: [verificationChecks.caseId, verificationChecks.item], set: values });
        await recordStage(ctx, tx, caseId, session.user.id, "verification.checked", { item, result: input.result });
      });
    },
    REVIEW,
  );
}

/**
 * A verifier's decision. Two different verifiers, neither the case's operator, each record one;
 * the second records his before he may see the first (view.ts). Agreement decides, unless the
 * risk is high (then a supervisor signs off); disagreement goes to a supervisor.
 */
export async function recordReview(ctx: AppContext, session: StaffSession, caseId: string, input: { decision: Decision; reasonCode: ReasonCode; note?: string | undefined }) {
  authorize(session.user, "verification", "review");
  if (!decisionFits(input.decision, input.reasonCode)) throw new AppError("bad_request", "\"genuine\" goes with verified, every other reason with rejected");
  const me = session.user.id;
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      // The rules reading the case run before the transaction (they read through the case core), under this verifier's key.
      const settings = await readSettings(ctx.db);
      const [open] = await ctx.db.select({ enteredAt: verificationCases.enteredAt }).from(verificationCases).where(eq(verificationCases.caseId, caseId));
      if (open) await indexIdentityChangedSince(ctx, caseId, caseKey, session.user.role, open.enteredAt);
      const content = await readContentFindings(ctx, session, { caseId, caseKey, publicKey: row.publicKey }, settings);
      return ctx.db.transaction(async (tx) => {
        const v = await lockVerification(tx, caseId);
        if (row.state !== "verifying" || !v || (v.stage !== "first" && v.stage !== "second")) throw new AppError("conflict", "this case is not waiting for a review");
        if (await tookAsOperator(tx, caseId, v, me)) throw new AppError("forbidden", "you took this request as its operator: other verifiers review it");
        const earlier = await tx.select().from(verificationReviews).where(and(eq(verificationReviews.caseId, caseId), eq(verificationReviews.round, v.round)));
        if (earlier.some((r) => r.reviewerId === me)) throw new AppError("conflict", "you have already reviewed this case: a second verifier gives the other review");
        const id = randomUUID();
        const note = input.note ? encryptField(caseKey, reviewNoteContext(caseId, id), input.note) : null;
        await tx.insert(verificationReviews).values({ id, caseId, round: v.round, position: earlier.length + 1, reviewerId: me, decision: input.decision, reasonCode: input.reasonCode, note, createdAt: ctx.now() });
        if (input.reasonCode === "provocation") await indexAcrossKinds(ctx, tx, caseId, caseKey, session.user.role);
        let stage: Stage;
        if (earlier.length === 0) stage = "second";
        else if (earlier.find((r) => r.position === 1)!.decision !== input.decision) stage = "disagreement";
        else stage = (await riskOf(tx, row, await readSettings(tx), undefined, content)).high ? "signoff" : "decided";
        await keepContentFindings(tx, caseId, content);
        // The timeline says a review was recorded, never which way: the second reviewer reads it too.
        await recordStage(ctx, tx, caseId, me, "verification.reviewed", { round: v.round, stage });
        if (stage === "decided") {
          // Two agreeing reviews: the reason of the first stands unless both name the same.
          await applyVerdict(ctx, tx, { caseId, decision: input.decision, reasonCode: input.reasonCode, actorId: me, caseKey });
        } else {
          await tx.update(verificationCases).set({ stage }).where(eq(verificationCases.caseId, caseId));
        }
        return { stage };
      });
    },
    REVIEW,
  );
}

/**
 * A supervisor decides a disagreement, or signs off (or overrules) a high-risk verdict, on the
 * reason codes and risk factors (he reads no case content), with a reason sealed to the case.
 */
export async function decideAsSupervisor(ctx: AppContext, session: StaffSession, caseId: string, input: { decision: Decision; reasonCode: ReasonCode; reason: string }) {
  authorize(session.user, "verification", "decide");
  if (!decisionFits(input.decision, input.reasonCode)) throw new AppError("bad_request", "\"genuine\" goes with verified, every other reason with rejected");
  const row = await findCase(ctx, session.user, caseId, { resource: "verification", action: "decide" });
  return ctx.db.transaction(async (tx) => {
    const v = await lockVerification(tx, caseId);
    if (row.state !== "verifying" || !v || (v.stage !== "disagreement" && v.stage !== "signoff")) throw new AppError("conflict", "this case is not waiting for a supervisor");
    const [fresh] = await tx.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, caseId));
    if (fresh?.publicKey) await tx.update(verificationCases).set({ supervisorReason: sealTo(fresh.publicKey, Buffer.from(input.reason, "utf8")) }).where(eq(verificationCases.caseId, caseId));
    await recordStage(ctx, tx, caseId, session.user.id, "verification.supervised", { round: v.round, from: v.stage, decision: input.decision, reasonCode: input.reasonCode });
    await applyVerdict(ctx, tx, { caseId, decision: input.decision, reasonCode: input.reasonCode, actorId: session.user.id, caseKey: null });
    return { stage: "decided" as const };
  });
}
