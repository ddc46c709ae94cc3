import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import type { Db } from "../db/index.js";
import { caseGrants, staffKeys, teamMembers, teams, users } from "../db/schema.js";
import { generateTeamKeyPair, openTeamKey, rotateTeamKey, sealTeamKeyForMember } from "../crypto/team-keys.js";
import { publicKeyOf, type KeyPair } from "../crypto/box.js";
import { wipe } from "../crypto/secure.js";
import { TEAMS, type TeamId } from "../../shared/case-states.js";
import type { Role } from "../../shared/roles.js";
import { AppError } from "../errors.js";
import type { ServerKeys } from "../crypto/server-key.js";
import { markKeyRowsPinned, teamKeyMac, trustedStaffKeys } from "./pinned.js";
import { plugPoint } from "../plug-point.js";

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
 * Create every team's key pair at the first start, sealed to the first administrator in trust
 * until each team has its founding member (foundTeams): intake works before any operator
 * exists, and the custodian is no member, so no case falls into his scope.
 */
export async function bootstrapTeams(tx: Tx, keys: ServerKeys, custodianId: string, custodianPublicKey: Buffer) {
  for (const id of TEAMS) {
    const pair = generateTeamKeyPair();
    // A team row that exists before the first administrator was not made by this server: replaced.
    const row = { publicKey: pair.publicKey, keyVersion: 1, mac: teamKeyMac(keys, id, pair.publicKey, 1) };
    await tx.insert(teams).values({ id, ...row }).onConflictDoUpdate({ target: teams.id, set: row });
    await tx.insert(teamMembers).values({ teamId: id, userId: custodianId, sealedKey: sealTeamKeyForMember(pair.privateKey, custodianPublicKey), keyVersion: 1, custodian: true });
    wipe(pair.privateKey);
  }
  await markKeyRowsPinned(tx, keys, { staff: 1, teams: TEAMS.length, escrow: 0 });
}

/**
 * Put someone on a team's admission list. He holds no key and sees no case until a member of
 * the team who is not his sponsor (whoever created his account or reset his key) admits him.
 */
export async function addTeamMember(tx: Tx, teamId: TeamId, userId: string, sponsorId: string | null) {
  await tx.insert(teamMembers).values({ teamId, userId, custodian: false, sponsorId }).onConflictDoNothing();
}

/** The team key pair, opened with a holder's private key; null when he holds none. */
export async function openTeamKeyFor(db: Pick<Db, "select">, teamId: string, userId: string, privateKey: Buffer): Promise<KeyPair | null> {
  const [row] = await db
    .select({ sealedKey: teamMembers.sealedKey, publicKey: teams.publicKey, memberVersion: teamMembers.keyVersion, teamVersion: teams.keyVersion })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return row ? openTeamKeyCopy(row, privateKey) : null;
}

/** A holder's sealed copy of a team key beside the team's current public key and version, however read. */
export interface TeamKeyCopy {
  sealedKey: Buffer | null;
  publicKey: Buffer | null;
  memberVersion: number | null;
  teamVersion: number | null;
}

/** Open a copy read with the team row (openTeamKeyFor, or a caller's join); null if none or outdated. */
export function openTeamKeyCopy(row: TeamKeyCopy, privateKey: Buffer): KeyPair | null {
  if (!row.sealedKey || !row.publicKey || row.memberVersion !== row.teamVersion) return null;
  return openTeamKey(row.sealedKey, me(privateKey), row.publicKey);
}

/**
 * Take someone off a team. Access ends at once (membership is the case scope, and his sealed
 * copy is deleted); the key he may have kept is retired by a rotation that the next key holder
 * online performs (rotateDueTeamKeys), because the server cannot open a team key by itself.
 * The last key holder cannot be removed: the team's cases would become unreadable to everyone.
 */
export async function removeTeamMember(tx: Tx, teamId: TeamId, removedUserId: string) {
  const [row] = await tx.select({ sealedKey: teamMembers.sealedKey, custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, removedUserId)));
  if (!row) throw new AppError("not_found", "not a member of this team");
  if (row.custodian) throw new AppError("conflict", "a custodian is not removed here");
  if (row.sealedKey) {
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.custodian, false), isNotNull(teamMembers.sealedKey), sql`${teamMembers.userId} <> ${removedUserId}`));
    if (n === 0) throw new AppError("conflict", "this is the team's last key holder: admit another member first, or its cases become unreadable");
    await tx.update(teams).set({ rotationDue: true }).where(eq(teams.id, teamId));
  }
  await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, removedUserId)));
}

/** A disabled account's teams get a new key at the next holder's request; until then he cannot sign in. */
export async function retireKeysOfDisabled(tx: Tx, userId: string) {
  await tx.update(teams).set({ rotationDue: true }).where(sql`${teams.id} IN (SELECT team_id FROM team_members WHERE user_id = ${userId} AND sealed_key IS NOT NULL)`);
}

/**
 * What a capability seals to a team key itself, outside the case grants (the verification team's
 * watchlist entries added by hand): moved from the old key to the new one in the rotation's
 * transaction, so the remaining members still read it and a kept old key opens none of it. The
 * capability plugs it in at start-up (services.ts); the key layer imports none.
 */
export type TeamSealedData = (tx: Tx, teamId: string, from: { pair: KeyPair; keyVersion: number }, to: { publicKey: Buffer; keyVersion: number }) => Promise<number>;
const teamSealed = plugPoint<TeamSealedData>("re-sealing of team-sealed data");
export const useTeamSealedData = teamSealed.use;

/**
 * Rotate a team key: a new key pair, every case key of the team resealed to it (and whatever a
 * capability sealed to the team, TeamSealedData), the new private key sealed to the remaining
 * active holders only (disabled accounts wait for re-admission). Whoever kept a copy of the old
 * key opens nothing stored after this.
 */
export async function rotateTeamKeyNow(tx: Tx, keys: ServerKeys, teamId: string, old: KeyPair) {
  const grants = await tx.select({ caseId: caseGrants.caseId, sealedKey: caseGrants.sealedKey }).from(caseGrants).where(and(eq(caseGrants.recipientType, "team"), eq(caseGrants.recipientId, teamId)));
  const rotation = rotateTeamKey(old, grants.map((g) => g.sealedKey));
  try {
    const [t] = await tx.update(teams).set({ publicKey: rotation.teamKeyPair.publicKey, keyVersion: sql`${teams.keyVersion} + 1`, rotationDue: false }).where(eq(teams.id, teamId)).returning({ keyVersion: teams.keyVersion });
    await tx.update(teams).set({ mac: teamKeyMac(keys, teamId, rotation.teamKeyPair.publicKey, t!.keyVersion) }).where(eq(teams.id, teamId));
    const resealedData = await teamSealed.get()(tx, teamId, { pair: old, keyVersion: t!.keyVersion - 1 }, { publicKey: rotation.teamKeyPair.publicKey, keyVersion: t!.keyVersion });
    for (let i = 0; i < grants.length; i++) {
      await tx.update(caseGrants).set({ sealedKey: rotation.resealedCaseKeys[i]!, keyVersion: t!.keyVersion }).where(and(eq(caseGrants.caseId, grants[i]!.caseId), eq(caseGrants.recipientType, "team"), eq(caseGrants.recipientId, teamId)));
    }
    const holders = await tx
      .select({ userId: teamMembers.userId, disabledAt: users.disabledAt })
      .from(teamMembers)
      .innerJoin(staffKeys, eq(staffKeys.userId, teamMembers.userId))
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, teamId), isNotNull(teamMembers.sealedKey), eq(teamMembers.custodian, false)));
    const pinned = new Map((await trustedStaffKeys(tx, keys, holders.map((h) => h.userId))).map((k) => [k.userId, k.publicKey]));
    for (const h of holders) {
      const sealedKey = h.disabledAt ? null : sealTeamKeyForMember(rotation.teamKeyPair.privateKey, pinned.get(h.userId)!);
      await tx.update(teamMembers).set({ sealedKey, keyVersion: sealedKey ? t!.keyVersion : null }).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, h.userId)));
    }
    // A custodian held the key in trust only until the team had a member: his copy is not renewed.
    await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.custodian, true)));
    return { resealed: grants.length, resealedData, keyVersion: t!.keyVersion, holders: holders.filter((h) => !h.disabledAt).length };
  } finally {
    wipe(rotation.teamKeyPair.privateKey);
  }
}

/** Teams where the user is an admitted member (not a custodian, not waiting for admission). */
export async function memberTeamIds(db: Pick<Db, "select">, userId: string): Promise<string[]> {
  const rows = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.userId, userId), eq(teamMembers.custodian, false), isNotNull(teamMembers.sealedKey)));
  return rows.map((r) => r.teamId);
}
