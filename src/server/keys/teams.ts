import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { caseGrants, staffKeys, teamMembers, teams } from "../db/schema.js";
import { generateTeamKeyPair, openTeamKey, rotateTeamKey, sealTeamKeyForMember } from "../crypto/team-keys.js";
import { publicKeyOf, type KeyPair } from "../crypto/box.js";
import { wipe } from "../crypto/secure.js";
import { TEAMS, type TeamId } from "../../shared/case-states.js";
import type { Role } from "../../shared/roles.js";
import { AppError } from "../errors.js";

/** The team a role works in by default; supervisors and admins belong to none. */
export const DEFAULT_TEAM: Record<Role, TeamId | null> = {
  operator: "intake",
  verifier: "verification",
  coordinator: "coordination",
  registrar: "registration",
  reward_officer: "rewards",
  resettlement_officer: "resettlement",
  supervisor: null,
  admin: null,
};

const me = (privateKey: Buffer): KeyPair => ({ publicKey: publicKeyOf(privateKey), privateKey });

/**
 * Create every team's key pair, sealed to the first administrator as custodian: he can admit
 * members (seal the team key to them) but is no member, so no case falls into his scope.
 */
export async function bootstrapTeams(tx: Tx, custodianId: string, custodianPublicKey: Buffer) {
  for (const id of TEAMS) {
    const pair = generateTeamKeyPair();
    await tx.insert(teams).values({ id, publicKey: pair.publicKey }).onConflictDoNothing();
    await tx.insert(teamMembers).values({ teamId: id, userId: custodianId, sealedKey: sealTeamKeyForMember(pair.privateKey, custodianPublicKey), keyVersion: 1, custodian: true });
    wipe(pair.privateKey);
  }
}

/** Add someone to a team. The key is sealed to him by the next key holder online (grantPendingTeamKeys). */
export async function addTeamMember(tx: Tx, teamId: TeamId, userId: string, custodian = false) {
  await tx.insert(teamMembers).values({ teamId, userId, custodian }).onConflictDoNothing();
}

/** The team key pair, opened with a holder's private key; null when he holds none. */
export async function openTeamKeyFor(db: Pick<Db, "select">, teamId: string, userId: string, privateKey: Buffer): Promise<KeyPair | null> {
  const [row] = await db
    .select({ sealedKey: teamMembers.sealedKey, publicKey: teams.publicKey, memberVersion: teamMembers.keyVersion, teamVersion: teams.keyVersion })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  if (!row?.sealedKey || row.memberVersion !== row.teamVersion) return null;
  return openTeamKey(row.sealedKey, me(privateKey), row.publicKey);
}

/**
 * Seal team keys to members who are waiting for them, using the key of a holder who is signed in.
 * Cheap when there is nothing to do (one query); run on each signed-in request.
 */
export async function grantPendingTeamKeys(db: Db, userId: string, privateKey: Buffer): Promise<number> {
  const pending = await db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId, publicKey: staffKeys.publicKey })
    .from(teamMembers)
    .innerJoin(staffKeys, eq(staffKeys.userId, teamMembers.userId))
    .where(
      and(
        isNull(teamMembers.sealedKey),
        sql`${teamMembers.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${userId} AND sealed_key IS NOT NULL)`,
      ),
    );
  let granted = 0;
  for (const p of pending) {
    const team = await openTeamKeyFor(db, p.teamId, userId, privateKey);
    if (!team) continue;
    const [t] = await db.select({ keyVersion: teams.keyVersion }).from(teams).where(eq(teams.id, p.teamId));
    await db
      .update(teamMembers)
      .set({ sealedKey: sealTeamKeyForMember(team.privateKey, p.publicKey), keyVersion: t!.keyVersion })
      .where(and(eq(teamMembers.teamId, p.teamId), eq(teamMembers.userId, p.userId), isNull(teamMembers.sealedKey)));
    wipe(team.privateKey);
    granted++;
  }
  return granted;
}

/**
 * Remove a member and rotate the team key: a new key pair, every case key of the team resealed to
 * it, the new private key sealed to the remaining holders. The removed member's copy of the old
 * key opens nothing that is still stored. Needs a holder's unlocked key.
 */
export async function removeTeamMember(tx: Tx, teamId: TeamId, removedUserId: string, holder: { userId: string; privateKey: Buffer }) {
  if (holder.userId === removedUserId) throw new AppError("conflict", "ask another key holder to remove you");
  const old = await openTeamKeyFor(tx, teamId, holder.userId, holder.privateKey);
  if (!old) throw new AppError("forbidden", "you hold no key of this team");
  const removed = await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, removedUserId))).returning({ userId: teamMembers.userId });
  if (removed.length === 0) throw new AppError("not_found", "not a member of this team");

  const grants = await tx.select({ caseId: caseGrants.caseId, sealedKey: caseGrants.sealedKey }).from(caseGrants).where(and(eq(caseGrants.recipientType, "team"), eq(caseGrants.recipientId, teamId)));
  const rotation = rotateTeamKey(old, grants.map((g) => g.sealedKey));
  const [t] = await tx.update(teams).set({ publicKey: rotation.teamKeyPair.publicKey, keyVersion: sql`${teams.keyVersion} + 1` }).where(eq(teams.id, teamId)).returning({ keyVersion: teams.keyVersion });
  for (let i = 0; i < grants.length; i++) {
    await tx.update(caseGrants).set({ sealedKey: rotation.resealedCaseKeys[i]!, keyVersion: t!.keyVersion }).where(and(eq(caseGrants.caseId, grants[i]!.caseId), eq(caseGrants.recipientType, "team"), eq(caseGrants.recipientId, teamId)));
  }
  const holders = await tx
    .select({ userId: teamMembers.userId, publicKey: staffKeys.publicKey })
    .from(teamMembers)
    .innerJoin(staffKeys, eq(staffKeys.userId, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), isNotNull(teamMembers.sealedKey)));
  for (const h of holders) {
    await tx
      .update(teamMembers)
      .set({ sealedKey: sealTeamKeyForMember(rotation.teamKeyPair.privateKey, h.publicKey), keyVersion: t!.keyVersion })
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, h.userId)));
  }
  wipe(old.privateKey, rotation.teamKeyPair.privateKey);
  return { resealed: grants.length, keyVersion: t!.keyVersion };
}

/** Teams where the user is a member (not a custodian) and holds the current key: his case scope. */
export async function memberTeamIds(db: Pick<Db, "select">, userId: string): Promise<string[]> {
  const rows = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.userId, userId), eq(teamMembers.custodian, false)));
  return rows.map((r) => r.teamId);
}

export async function teamPublicKeys(db: Pick<Db, "select">, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: teams.id, publicKey: teams.publicKey, keyVersion: teams.keyVersion }).from(teams).where(inArray(teams.id, ids));
}
