import { and, asc, eq, isNotNull, isNull, ne, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { rowsOf, type Db } from "../db/index.js";
import { staffKeys, teamMembers, teams, users } from "../db/schema.js";
import { appendAudit } from "../audit/log.js";
import { sealTeamKeyForMember } from "../crypto/team-keys.js";
import { wipe } from "../crypto/secure.js";
import { allow } from "../policy.js";
import { AppError } from "../errors.js";
import type { Role } from "../../shared/roles.js";
import type { TeamId } from "../../shared/case-states.js";
import { openTeamKeyFor, rotateTeamKeyNow } from "./teams.js";
import { pinnedStaffKey } from "./pinned.js";
import type { ServerKeys } from "../crypto/server-key.js";

/**
 * Admission to a team, with four eyes (issue 10, item 2): account management and team-key
 * custody are separate duties. The administrator creates accounts and puts them on a team's
 * admission list; only an admitted member of that team who is not the account's sponsor (who
 * created it or reset its key) can seal the team key to it. An administrator's puppet therefore
 * never gets a team key on the administrator's word alone.
 *
 * The first start: every team key is created with the first administrator as custodian, so the
 * public intake can encrypt before any operator exists. The custodian is no member (no case in
 * his scope) and can do one thing only: give a team with no member its founding member, at
 * which moment the key is rotated and his copy deleted. From then on the administrator holds no
 * team key. Founding is the one step that rests on the administrator alone; it is audited
 * ("team.founded") and shown in the console's team list.
 */

type Holder = { userId: string; privateKey: Buffer };

/** The team memberships of a user with key work waiting (a FROM … WHERE for the two readers below). */
const teamKeyWorkOf = (userId: SQL | AnyColumn | string) => sql`FROM team_members m
    WHERE m.user_id = ${userId} AND m.sealed_key IS NOT NULL
      AND CASE WHEN m.custodian
            THEN EXISTS (SELECT 1 FROM team_members w WHERE w.team_id = m.team_id AND w.custodian = false AND w.sealed_key IS NULL)
            ELSE EXISTS (SELECT 1 FROM teams t WHERE t.id = m.team_id AND t.rotation_due)
          END`;

/**
 * Whether keepTeamKeys has anything to do for this user, as a yes/no the guard asks in the same
 * read as the session itself, so the nearly-always "no" costs no statement of its own.
 */
export const teamKeyWorkDue = (userId: AnyColumn) => sql<boolean>`EXISTS (SELECT 1 ${teamKeyWorkOf(userId)})`;

/**
 * Run on a signed-in request of a key holder when teamKeyWorkDue said yes. It asks both questions
 * below at once: is he a custodian of a team waiting for its founding member, or a holder of a
 * team key due for rotation?
 */
export async function keepTeamKeys(db: Db, keys: ServerKeys, holder: Holder): Promise<void> {
  const due = await rowsOf<{ custodian: boolean }>(db, sql`SELECT m.custodian ${teamKeyWorkOf(holder.userId)}`);
  if (due.some((d) => d.custodian)) await foundTeams(db, keys, holder);
  if (due.some((d) => !d.custodian)) await rotateDueTeamKeys(db, keys, holder);
}

/** As custodian: seal each member-less team's key to its earliest waiting member, rotate, and step down. */
export async function foundTeams(db: Db, keys: ServerKeys, holder: Holder): Promise<number> {
  const held = await db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(
      and(
        eq(teamMembers.userId, holder.userId),
        eq(teamMembers.custodian, true),
        isNotNull(teamMembers.sealedKey),
        sql`EXISTS (SELECT 1 FROM team_members w WHERE w.team_id = ${teamMembers.teamId} AND w.custodian = false AND w.sealed_key IS NULL)`,
      ),
    );
  let founded = 0;
  for (const { teamId } of held) {
    founded += await db.transaction(async (tx) => {
      await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).for("update");
      const members = await tx.select({ userId: teamMembers.userId, sealedKey: teamMembers.sealedKey }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.custodian, false)));
      if (members.some((m) => m.sealedKey)) return 0;
      const [first] = await tx
        .select({ userId: teamMembers.userId, publicKey: staffKeys.publicKey, mac: staffKeys.mac, role: users.role })
        .from(teamMembers)
        .innerJoin(staffKeys, eq(staffKeys.userId, teamMembers.userId))
        .innerJoin(users, eq(users.id, teamMembers.userId))
        .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.custodian, false), isNull(teamMembers.sealedKey), isNull(users.disabledAt), eq(users.totpEnabled, true)))
        .orderBy(asc(teamMembers.createdAt))
        .limit(1);
      if (!first || !allow(first.role as Role, "case", "read")) return 0;
      const old = await openTeamKeyFor(tx, teamId, holder.userId, holder.privateKey);
      if (!old) return 0;
      try {
        const [t] = await tx.select({ keyVersion: teams.keyVersion }).from(teams).where(eq(teams.id, teamId));
        await tx.update(teamMembers).set({ sealedKey: sealTeamKeyForMember(old.privateKey, pinnedStaffKey(keys, first)), keyVersion: t!.keyVersion }).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, first.userId)));
        const r = await rotateTeamKeyNow(tx, keys, teamId, old);
        await appendAudit(tx, keys.subkey("audit"), { actorId: holder.userId, action: "team.founded", subjectType: "team", subjectId: teamId, details: { userId: first.userId, keyVersion: r.keyVersion, resealed: r.resealed } });
        return 1;
      } finally {
        wipe(old.privateKey);
      }
    });
  }
  return founded;
}

/** As a member: rotate the keys of his teams that lost a member (removed or disabled) since. */
export async function rotateDueTeamKeys(db: Db, keys: ServerKeys, holder: Holder): Promise<number> {
  const due = await db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.userId, holder.userId), eq(teamMembers.custodian, false), isNotNull(teamMembers.sealedKey), eq(teams.rotationDue, true)));
  let rotated = 0;
  for (const { teamId } of due) {
    rotated += await db.transaction(async (tx) => {
      // Two holders online at once: the row lock lets one rotate; the other finds nothing due.
      const [t] = await tx.select({ rotationDue: teams.rotationDue }).from(teams).where(eq(teams.id, teamId)).for("update");
      if (!t?.rotationDue) return 0;
      const old = await openTeamKeyFor(tx, teamId, holder.userId, holder.privateKey);
      if (!old) return 0;
      try {
        const r = await rotateTeamKeyNow(tx, keys, teamId, old);
        await appendAudit(tx, keys.subkey("audit"), { actorId: holder.userId, action: "team.key_rotated", subjectType: "team", subjectId: teamId, details: { keyVersion: r.keyVersion, resealed: r.resealed, resealedData: r.resealedData, holders: r.holders } });
        return 1;
      } finally {
        wipe(old.privateKey);
      }
    });
  }
  return rotated;
}

const sponsors = alias(users, "sponsors");

/** Who waits for admission to the teams this person holds a key of, and whether he may admit each. */
export async function pendingAdmissions(db: Pick<Db, "select">, holderId: string) {
  const rows = await db
    .select({
      teamId: teamMembers.teamId,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      since: teamMembers.createdAt,
      keyCreatedAt: staffKeys.createdAt,
      sponsorId: teamMembers.sponsorId,
      sponsorName: sponsors.displayName,
      enrolled: users.totpEnabled,
    })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .leftJoin(staffKeys, eq(staffKeys.userId, users.id))
    .leftJoin(sponsors, eq(sponsors.id, teamMembers.sponsorId))
    .where(
      and(
        eq(teamMembers.custodian, false),
        or(isNull(teamMembers.sealedKey), ne(teamMembers.keyVersion, sql`(SELECT key_version FROM teams WHERE id = ${teamMembers.teamId})`)),
        isNull(users.disabledAt),
        sql`${teamMembers.teamId} IN (SELECT team_id FROM team_members WHERE user_id = ${holderId} AND custodian = false AND sealed_key IS NOT NULL)`,
      ),
    )
    .orderBy(asc(teamMembers.createdAt));
  return rows.map((r) => ({
    ...r,
    // A key newer than the membership: the account's key was reset after he had joined.
    reason: r.keyCreatedAt && r.keyCreatedAt > r.since ? ("key_reset" as const) : ("new" as const),
    mayAdmit: r.userId !== holderId && r.sponsorId !== holderId && r.enrolled && r.keyCreatedAt !== null,
  }));
}

/**
 * Seal the team key to a waiting member. The admitter must hold the team's current key as a
 * member, and be neither the candidate nor his sponsor; the candidate must be active, enrolled
 * and in a role that does case work.
 */
export async function admitMember(db: Db, keys: ServerKeys, admitter: Holder, teamId: TeamId, userId: string) {
  if (userId === admitter.userId) throw new AppError("forbidden", "nobody admits himself; ask a colleague of the team");
  await db.transaction(async (tx) => {
    const [candidate] = await tx
      .select({ sealedKey: teamMembers.sealedKey, keyVersion: teamMembers.keyVersion, sponsorId: teamMembers.sponsorId, publicKey: staffKeys.publicKey, mac: staffKeys.mac, role: users.role, disabledAt: users.disabledAt, enrolled: users.totpEnabled })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .leftJoin(staffKeys, eq(staffKeys.userId, teamMembers.userId))
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), eq(teamMembers.custodian, false)))
      .for("update", { of: teamMembers });
    if (!candidate || candidate.disabledAt) throw new AppError("not_found", "nobody waits for admission to this team under that id");
    const [mine] = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, admitter.userId)));
    if (!mine || mine.custodian) throw new AppError("forbidden", "only a member of this team can admit to it");
    if (candidate.sponsorId === admitter.userId) throw new AppError("forbidden", "you created this account (or reset its key): another member of the team must admit it");
    if (!candidate.publicKey || !candidate.enrolled) throw new AppError("conflict", "this account has not finished its set-up (password and two-factor) yet");
    if (!allow(candidate.role as Role, "case", "read")) throw new AppError("conflict", "this role does no case work; it cannot join a team");
    const team = await openTeamKeyFor(tx, teamId, admitter.userId, admitter.privateKey);
    if (!team) throw new AppError("forbidden", "you hold no current key of this team");
    try {
      const [t] = await tx.select({ keyVersion: teams.keyVersion }).from(teams).where(eq(teams.id, teamId));
      if (candidate.sealedKey && candidate.keyVersion === t!.keyVersion) throw new AppError("conflict", "already admitted");
      await tx.update(teamMembers).set({ sealedKey: sealTeamKeyForMember(team.privateKey, pinnedStaffKey(keys, { userId, publicKey: candidate.publicKey, mac: candidate.mac })), keyVersion: t!.keyVersion }).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
      await appendAudit(tx, keys.subkey("audit"), { actorId: admitter.userId, action: "team.member_admitted", subjectType: "team", subjectId: teamId, details: { userId, sponsorId: candidate.sponsorId } });
    } finally {
      wipe(team.privateKey);
    }
  });
}

/** A member turns a waiting account away: it leaves the admission list (audited). */
export async function declineAdmission(db: Db, keys: ServerKeys, memberId: string, teamId: TeamId, userId: string) {
  await db.transaction(async (tx) => {
    const [mine] = await tx.select({ custodian: teamMembers.custodian }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, memberId), isNotNull(teamMembers.sealedKey)));
    if (!mine || mine.custodian) throw new AppError("forbidden", "only a member of this team can decide on admissions");
    const gone = await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), isNull(teamMembers.sealedKey), eq(teamMembers.custodian, false))).returning({ userId: teamMembers.userId });
    if (gone.length === 0) throw new AppError("not_found", "nobody waits for admission to this team under that id");
    await appendAudit(tx, keys.subkey("audit"), { actorId: memberId, action: "team.admission_declined", subjectType: "team", subjectId: teamId, details: { userId } });
  });
}
