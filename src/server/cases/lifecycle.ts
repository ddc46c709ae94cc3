import { and, eq, inArray, ne } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { caseGrants, cases, users } from "../db/schema.js";
import { sealCaseKey } from "../crypto/case-keys.js";
import { allow, authorize } from "../policy.js";
import type { Role } from "../../shared/roles.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import type { TeamId } from "../../shared/case-states.js";
import { trustedStaffKey, trustedTeamKeys } from "../keys/pinned.js";
import { withCaseKey } from "./access.js";
import { recordChange } from "./change.js";
import { extendGrantsToMergedSources, mergedSources } from "./merge.js";

/**
 * Take grants away from a case and from every case merged into it (their threads were opened
 * to the same readers). Revoking is deleting the sealed copy: whoever is left without one can no
 * longer open the case, whatever session or key he still holds.
 */
async function revokeGrants(tx: Tx, caseId: string, recipients: { type: "team" | "staff"; ids: string[] }) {
  if (recipients.ids.length === 0) return;
  const ids = [caseId, ...(await mergedSources(tx, caseId)).map((s) => s.id)];
  await tx.delete(caseGrants).where(and(inArray(caseGrants.caseId, ids), eq(caseGrants.recipientType, recipients.type), inArray(caseGrants.recipientId, recipients.ids)));
}

/**
 * Assign a case to a person and/or hand it to another team. The case key is sealed to the new
 * assignee and the new team, so they can read it; granting access is sealing, never re-encrypting.
 * Access follows the work (issue 10, item 10): the previous assignee's personal grant goes when he
 * is unassigned or replaced; a hand-over to another team takes away the previous team's grant and
 * every personal grant but the new assignee's, and leaves the case unassigned unless a person of
 * the new team is named in the same request.
 */
export async function assignCase(ctx: AppContext, session: StaffSession, caseId: string, target: { userId?: string | null; teamId?: TeamId }) {
  authorize(session.user, "case", "assign");
  return withCaseKey(
    ctx,
    session,
    caseId,
    async (caseKey, row) => {
      if (row.state === "merged") throw new AppError("conflict", "this case was merged into another; assign that one");
      const handover = !!target.teamId && target.teamId !== row.teamId;
      const nextAssignee = target.userId !== undefined ? target.userId : handover ? null : row.assignedUserId;
      await ctx.db.transaction(async (tx) => {
        const patch: Partial<typeof cases.$inferInsert> = { updatedAt: ctx.now(), assignedUserId: nextAssignee };
        const readers: Parameters<typeof extendGrantsToMergedSources>[4] = [];
        if (target.userId) {
          const [u] = await tx.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, target.userId));
          // Only someone whose role reads cases can take one (not an administrator or a supervisor).
          const pk = u && !u.disabledAt && allow(u.role as Role, "case", "read") ? await trustedStaffKey(tx, ctx.keys, u.id) : null;
          if (!pk) throw new AppError("not_found", "no such staff member");
          await tx.insert(caseGrants).values({ caseId, recipientType: "staff", recipientId: u!.id, sealedKey: sealCaseKey(caseKey, pk) }).onConflictDoNothing();
          readers.push({ type: "staff", id: u!.id, publicKey: pk!, keyVersion: 1 });
        }
        if (target.teamId) {
          const [t] = await trustedTeamKeys(tx, ctx.keys, [target.teamId]);
          if (!t) throw new AppError("not_found", "no such team");
          await tx.insert(caseGrants).values({ caseId, recipientType: "team", recipientId: t.id, keyVersion: t.keyVersion, sealedKey: sealCaseKey(caseKey, t.publicKey) }).onConflictDoNothing();
          readers.push({ type: "team", id: t.id, publicKey: t.publicKey, keyVersion: t.keyVersion });
          patch.teamId = t.id;
        }
        // The new readers also read the cases merged into this one (sealed before any revocation, with this user's key).
        if (readers.length) await extendGrantsToMergedSources(ctx, tx, session, caseId, readers);
        if (handover) {
          await revokeGrants(tx, caseId, { type: "team", ids: [row.teamId] });
          const personal = await tx.select({ id: caseGrants.recipientId }).from(caseGrants).where(and(eq(caseGrants.caseId, caseId), eq(caseGrants.recipientType, "staff"), ...(nextAssignee ? [ne(caseGrants.recipientId, nextAssignee)] : [])));
          await revokeGrants(tx, caseId, { type: "staff", ids: personal.map((p) => p.id) });
        } else if (row.assignedUserId && row.assignedUserId !== nextAssignee) {
          await revokeGrants(tx, caseId, { type: "staff", ids: [row.assignedUserId] });
        }
        await tx.update(cases).set(patch).where(eq(cases.id, caseId));
        await recordChange(ctx, tx, {
          actorId: session.user.id,
          action: "case.assigned",
          caseId,
          details: { userId: target.userId ?? null, teamId: target.teamId ?? null, ...(handover ? { previousTeam: row.teamId } : {}) },
          notify: "case.assigned",
        });
      });
    },
    { resource: "case", action: "assign" },
  );
}
