import { and, eq, isNotNull, or, sql, type SQL } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { caseGrants, cases, teamMembers, teams } from "../db/schema.js";
import { openCaseKey as openSealedCaseKey } from "../crypto/case-keys.js";
import { publicKeyOf } from "../crypto/box.js";
import { wipe } from "../crypto/secure.js";
import { isCryptoError } from "../crypto/errors.js";
import { appendAudit } from "../audit/log.js";
import { allow, type Action, type Resource } from "../policy.js";
import type { SessionUser, StaffSession } from "../auth/sessions.js";
import { AppError, notFound } from "../errors.js";
import { openTeamKeyCopy } from "../keys/teams.js";

/** What the user means to do with a case: a policy resource and one of its actions. */
export type CaseAccess = { [R in Resource]: { resource: R; action: Action<R> } }[Resource];
export const LIST_CASES: CaseAccess = { resource: "case", action: "list" };
export const READ_CASE: CaseAccess = { resource: "case", action: "read" };

/**
 * Which cases a staff member may touch for one access, as a SQL condition applied inside every
 * query (after Documenso): a case outside it is simply not found, and "not allowed" looks the
 * same. The grant of that very action decides (a supervisor lists every case but reads none):
 *   "all"    → every case
 *   "scoped" → cases of his teams (as a member, not a custodian), assigned to him, or granted to him
 */
export function caseScope(user: SessionUser, access: CaseAccess = LIST_CASES): SQL | undefined {
  const grant = allow(user.role, access.resource, access.action as never);
  if (grant === "all") return undefined;
  if (!grant) return sql`false`;
  return or(
    // Admitted members only: an account waiting for admission sees no case of the team.
    sql`${cases.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${user.id} AND custodian = false AND sealed_key IS NOT NULL)`,
    eq(cases.assignedUserId, user.id),
    sql`${cases.id} IN (SELECT case_id FROM case_grants WHERE recipient_type = 'staff' AND recipient_id = ${user.id})`,
  );
}

/** The case if this user may touch it for `access`; otherwise "not found", whether it exists or not. */
export async function findVisibleCase(db: Pick<Db, "select">, user: SessionUser, caseId: string, access: CaseAccess = READ_CASE) {
  const scope = caseScope(user, access);
  const [row] = await db
    .select()
    .from(cases)
    .where(scope ? and(eq(cases.id, caseId), scope) : eq(cases.id, caseId));
  if (!row) throw notFound("no such case");
  return row;
}

/**
 * A refused look-up of a case (outside the user's scope, or no such case) goes to the audit log
 * by the id asked for, never by any value: probing for cases leaves a trace. Written in its own
 * transaction, since the caller's work is abandoned.
 */
export async function auditCaseRefusal(ctx: AppContext, userId: string, caseId: string): Promise<void> {
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: userId, action: "case.not_found", subjectType: "case", subjectId: caseId }));
}

/** `findVisibleCase` for a request: a refusal is audited. */
export async function findCase(ctx: AppContext, user: SessionUser, caseId: string, access: CaseAccess = READ_CASE) {
  try {
    return await findVisibleCase(ctx.db, user, caseId, access);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") await auditCaseRefusal(ctx, user.id, caseId);
    throw err;
  }
}

/**
 * Run `fn` with the case key of a case this staff member may touch for `access`; the key is wiped
 * afterwards. Out of scope, or in scope without a key (just removed from the team, a revoked
 * personal grant, a pending team grant): "not found", and audited.
 */
export async function withCaseKey<T>(
  ctx: AppContext,
  session: StaffSession,
  caseId: string,
  fn: (caseKey: Buffer, row: typeof cases.$inferSelect) => Promise<T>,
  access: CaseAccess = READ_CASE,
): Promise<T> {
  // Both reads at once (one round trip on the embedded store); a key opened for a case out of
  // scope is wiped unused, and the refusal is the same "not found" either way.
  const [found, opened] = await Promise.allSettled([findCase(ctx, session.user, caseId, access), openCaseKeyFor(ctx.db, caseId, { id: session.user.id, privateKey: session.privateKey })]);
  if (found.status === "rejected") {
    if (opened.status === "fulfilled" && opened.value) wipe(opened.value);
    throw found.reason;
  }
  if (opened.status === "rejected") throw opened.reason;
  const row = found.value;
  const caseKey = opened.value;
  if (!caseKey) {
    await auditCaseRefusal(ctx, session.user.id, caseId);
    throw new AppError("not_found", "no such case");
  }
  try {
    return await fn(caseKey, row);
  } finally {
    wipe(caseKey);
  }
}

/**
 * withCaseKey for several cases at once (each opened, checked and audited the same way), for a
 * command that changes them all in one transaction; every key is wiped afterwards.
 */
export async function withCaseKeys<T>(ctx: AppContext, session: StaffSession, caseIds: string[], fn: (opened: { caseId: string; caseKey: Buffer; row: typeof cases.$inferSelect }[]) => Promise<T>, access: CaseAccess = READ_CASE): Promise<T> {
  const open = (i: number, acc: { caseId: string; caseKey: Buffer; row: typeof cases.$inferSelect }[]): Promise<T> =>
    i === caseIds.length ? fn(acc) : withCaseKey(ctx, session, caseIds[i]!, (caseKey, row) => open(i + 1, [...acc, { caseId: caseIds[i]!, caseKey, row }]), access);
  return open(0, []);
}

/**
 * Open a case key with the staff member's unlocked private key: through a grant sealed to him, or
 * through a team key he holds. Null when he holds neither (e.g. removed from the team).
 */
export async function openCaseKeyFor(db: Pick<Db, "select">, caseId: string, user: { id: string; privateKey: Buffer }): Promise<Buffer | null> {
  // One read: the grants he can use, each team grant with his copy of that team's key beside it.
  const grants = await db
    .select({
      recipientType: caseGrants.recipientType,
      sealedKey: caseGrants.sealedKey,
      team: { sealedKey: teamMembers.sealedKey, memberVersion: teamMembers.keyVersion, publicKey: teams.publicKey, teamVersion: teams.keyVersion },
    })
    .from(caseGrants)
    .leftJoin(teamMembers, and(eq(caseGrants.recipientType, "team"), eq(teamMembers.teamId, caseGrants.recipientId), eq(teamMembers.userId, user.id), eq(teamMembers.custodian, false)))
    .leftJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(
      and(
        eq(caseGrants.caseId, caseId),
        or(and(eq(caseGrants.recipientType, "staff"), eq(caseGrants.recipientId, user.id)), and(eq(caseGrants.recipientType, "team"), isNotNull(teamMembers.userId))),
      ),
    );
  const me = { publicKey: publicKeyOf(user.privateKey), privateKey: user.privateKey };
  for (const g of grants) {
    try {
      if (g.recipientType === "staff") return openSealedCaseKey(g.sealedKey, me.publicKey, me.privateKey);
      const team = g.team ? openTeamKeyCopy(g.team, user.privateKey) : null;
      if (!team) continue;
      try {
        return openSealedCaseKey(g.sealedKey, team.publicKey, team.privateKey);
      } finally {
        wipe(team.privateKey);
      }
    } catch (err) {
      if (!isCryptoError(err)) throw err;
    }
  }
  return null;
}
