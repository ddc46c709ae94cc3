import { and, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { caseGrants, cases, teamMembers } from "../db/schema.js";
import { openCaseKey as openSealedCaseKey } from "../crypto/case-keys.js";
import { publicKeyOf } from "../crypto/box.js";
import { wipe } from "../crypto/secure.js";
import { isCryptoError } from "../crypto/errors.js";
import { allow } from "../auth/policy.js";
import type { SessionUser } from "../auth/sessions.js";
import { notFound } from "../errors.js";
import { openTeamKeyFor } from "../keys/teams.js";

/**
 * Which cases a staff member may see, as a SQL condition applied inside every query (after
 * Documenso): a case outside it is simply not found, and "not allowed" looks the same.
 *   "all"    → every case (supervisors' queue view: no identities, see the presenters)
 *   "scoped" → cases of his teams (as a member, not a custodian), assigned to him, or granted to him
 */
export function caseScope(user: SessionUser): SQL | undefined {
  const grant = allow(user.role, "case", "list");
  if (grant === "all") return undefined;
  if (!grant) return sql`false`;
  return or(
    // Admitted members only: an account waiting for admission sees no case of the team.
    sql`${cases.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${user.id} AND custodian = false AND sealed_key IS NOT NULL)`,
    eq(cases.assignedUserId, user.id),
    sql`${cases.id} IN (SELECT case_id FROM case_grants WHERE recipient_type = 'staff' AND recipient_id = ${user.id})`,
  );
}

/** The case if this user may see it; otherwise "not found", whether it exists or not. */
export async function findVisibleCase(db: Pick<Db, "select">, user: SessionUser, caseId: string) {
  const scope = caseScope(user);
  const [row] = await db
    .select()
    .from(cases)
    .where(scope ? and(eq(cases.id, caseId), scope) : eq(cases.id, caseId));
  if (!row) throw notFound("no such case");
  return row;
}

/**
 * Open a case key with the staff member's unlocked private key: through a grant sealed to him, or
 * through a team key he holds. Null when he holds neither (e.g. removed from the team).
 */
export async function openCaseKeyFor(db: Pick<Db, "select">, caseId: string, user: { id: string; privateKey: Buffer }): Promise<Buffer | null> {
  const myTeams = db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.userId, user.id), eq(teamMembers.custodian, false)));
  const grants = await db
    .select()
    .from(caseGrants)
    .where(
      and(
        eq(caseGrants.caseId, caseId),
        or(and(eq(caseGrants.recipientType, "staff"), eq(caseGrants.recipientId, user.id)), and(eq(caseGrants.recipientType, "team"), inArray(caseGrants.recipientId, myTeams))),
      ),
    );
  const me = { publicKey: publicKeyOf(user.privateKey), privateKey: user.privateKey };
  for (const g of grants) {
    try {
      if (g.recipientType === "staff") return openSealedCaseKey(g.sealedKey, me.publicKey, me.privateKey);
      const team = await openTeamKeyFor(db, g.recipientId, user.id, user.privateKey);
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
