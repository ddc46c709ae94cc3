import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { caseEvents, caseGrants, cases, teams, users } from "../db/schema.js";
import { encryptField } from "../crypto/fields.js";
import { sealCaseKey } from "../crypto/case-keys.js";
import { appendAudit } from "../audit/log.js";
import { allow, authorize } from "../auth/policy.js";
import type { Role } from "../../shared/roles.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { canTransition, type CaseState, type TeamId } from "../../shared/case-states.js";
import { staffPublicKey } from "../keys/staff.js";
import { eventReasonContext } from "./sections.js";
import { withCaseKey } from "./thread.js";
import { notifyCase } from "./events.js";
import { extendGrantsToMergedSources } from "./merge.js";

/**
 * Move a case to another state, if the declared table allows it. Who, when and the reason
 * (encrypted: it may name the applicant) go to the case history; the move goes to the audit log.
 */
export async function transitionCase(ctx: AppContext, session: StaffSession, caseId: string, to: CaseState, reason: string) {
  authorize(session.user, "case", "transition");
  return withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    const from = row.state as CaseState;
    if (!canTransition(from, to)) throw new AppError("conflict", `a case cannot go from ${from} to ${to}`);
    const eventId = randomUUID();
    await ctx.db.transaction(async (tx) => {
      const moved = await tx.update(cases).set({ state: to, updatedAt: ctx.now() }).where(and(eq(cases.id, caseId), eq(cases.state, from))).returning({ id: cases.id });
      if (moved.length === 0) throw new AppError("conflict", "the case changed meanwhile; reload it");
      await tx.insert(caseEvents).values({ id: eventId, caseId, at: ctx.now(), actorId: session.user.id, kind: "transition", fromState: from, toState: to, reason: encryptField(caseKey, eventReasonContext(caseId, eventId), reason) });
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "case.transitioned", subjectType: "case", subjectId: caseId, details: { from, to } });
      await notifyCase(tx, "case.updated", caseId);
    });
    return { from, to };
  });
}

/**
 * Assign a case to a person and/or hand it to another team. The case key is sealed to the new
 * assignee and the new team, so they can read it; granting access is sealing, never re-encrypting.
 */
export async function assignCase(ctx: AppContext, session: StaffSession, caseId: string, target: { userId?: string | null; teamId?: TeamId }) {
  authorize(session.user, "case", "assign");
  return withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    if (row.state === "merged") throw new AppError("conflict", "this case was merged into another; assign that one");
    await ctx.db.transaction(async (tx) => {
      const patch: Partial<typeof cases.$inferInsert> = { updatedAt: ctx.now() };
      const readers: Parameters<typeof extendGrantsToMergedSources>[4] = [];
      if (target.userId !== undefined) {
        if (target.userId) {
          const [u] = await tx.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, target.userId));
          // Only someone whose role reads cases can take one (not an administrator or a supervisor).
          const pk = u && !u.disabledAt && allow(u.role as Role, "case", "read") ? await staffPublicKey(tx, u.id) : null;
          if (!pk) throw new AppError("not_found", "no such staff member");
          await tx.insert(caseGrants).values({ caseId, recipientType: "staff", recipientId: u!.id, sealedKey: sealCaseKey(caseKey, pk) }).onConflictDoNothing();
          readers.push({ type: "staff", id: u!.id, publicKey: pk!, keyVersion: 1 });
        }
        patch.assignedUserId = target.userId;
      }
      if (target.teamId) {
        const [t] = await tx.select().from(teams).where(eq(teams.id, target.teamId));
        if (!t) throw new AppError("not_found", "no such team");
        await tx.insert(caseGrants).values({ caseId, recipientType: "team", recipientId: t.id, keyVersion: t.keyVersion, sealedKey: sealCaseKey(caseKey, t.publicKey) }).onConflictDoNothing();
        readers.push({ type: "team", id: t.id, publicKey: t.publicKey, keyVersion: t.keyVersion });
        patch.teamId = t.id;
      }
      await tx.update(cases).set(patch).where(eq(cases.id, caseId));
      // The new readers also read the cases merged into this one.
      if (readers.length) await extendGrantsToMergedSources(ctx, tx, session, caseId, readers);
      await appendAudit(tx, ctx.keys.subkey("audit"), {
        actorId: session.user.id,
        action: "case.assigned",
        subjectType: "case",
        subjectId: caseId,
        details: { userId: target.userId ?? null, teamId: target.teamId ?? null },
      });
      await notifyCase(tx, "case.assigned", caseId);
    });
  });
}
