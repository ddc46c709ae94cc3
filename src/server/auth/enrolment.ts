import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { setupTokens, users } from "../db/schema.js";
import { hashToken } from "../crypto/random.js";
import { openWithServerKey, sealWithServerKey } from "../crypto/server-key.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";
import type { Role } from "../../shared/roles.js";
import type { Tx } from "../audit/log.js";
import { endAllSessions, endSession, startSession, type StaffSession } from "./sessions.js";
import { checkTotp, newTotpSecret, totpQrSvg, totpUri } from "./totp.js";
import { findSetupLink } from "./setup-links.js";
import { createStaffKeys, hashStaffPassword } from "../keys/staff.js";
import { assertStrongPassword } from "./password-policy.js";
import { addTeamMember, bootstrapTeams, DEFAULT_TEAM } from "../keys/teams.js";
import { wipe } from "../crypto/secure.js";
import { TEAMS, type TeamId } from "../../shared/case-states.js";

const totpAd = (userId: string) => `totp:v1:${userId}`;

/**
 * Accept a one-time link: create the account with its password and key pair, consume the link,
 * put him on the invited teams' admission lists (a member of each admits him: keys/admissions.ts), and open
 * a session that can do nothing but enrol TOTP. The recovery key is returned to be shown once.
 */
export async function acceptSetupLink(ctx: AppContext, input: { token: string; username: string; displayName: string; password: string }) {
  const link = await findSetupLink(ctx, input.token);
  if (!link) throw new AppError("not_found", "this link is not valid any more; ask an administrator for a new one");
  if (link.username && link.username.toLowerCase() !== input.username.toLowerCase()) {
    throw new AppError("validation_failed", "this invitation is for another username");
  }
  assertStrongPassword(input.password, "password", [input.username, input.displayName]);
  const passwordHash = await hashStaffPassword(ctx.keys, input.password);
  return ctx.db.transaction(async (tx) => {
    // Consuming the link and creating the user commit together: a link works exactly once.
    const consumed = await tx
      .update(setupTokens)
      .set({ usedAt: ctx.now() })
      .where(and(eq(setupTokens.tokenHash, hashToken(input.token)), isNull(setupTokens.usedAt)))
      .returning({ id: setupTokens.id });
    if (consumed.length === 0) throw new AppError("not_found", "this link is not valid any more; ask an administrator for a new one");
    const user = link.purpose === "rekey" ? await rekeyedUser(tx, link.username ?? "", passwordHash) : await newUser(tx, input, link.role, passwordHash);
    await appendAudit(tx, ctx.keys.subkey("audit"), {
      actorId: user.id,
      action: link.purpose === "first_admin" ? "staff.first_admin_created" : link.purpose === "rekey" ? "staff.rekeyed" : "staff.created",
      subjectType: "staff",
      subjectId: user.id,
      details: { role: user.role, invitation: link.id },
    });
    const keys = await createStaffKeys(tx, ctx.keys, user.id, input.password);
    try {
      if (link.purpose === "first_admin") await bootstrapTeams(tx, ctx.keys, user.id, keys.keyPair.publicKey);
      const role = user.role as Role;
      if (link.purpose !== "rekey") {
        const invited = (link.teams ?? (DEFAULT_TEAM[role] ? [DEFAULT_TEAM[role]] : [])).filter((t): t is TeamId => (TEAMS as readonly string[]).includes(t));
        for (const team of invited) await addTeamMember(tx, team, user.id, link.createdBy);
      }
      const session = await startSession(tx, user.id, "enrol", sessionLimits(ctx), ctx.now(), keys.keyPair.privateKey);
      return { userId: user.id, role, session, recoveryKey: keys.recoveryKey };
    } finally {
      wipe(keys.keyPair.privateKey);
    }
  });
}

async function newUser(tx: Tx, input: { username: string; displayName: string }, role: string, passwordHash: string) {
  const taken = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  if (taken.length > 0) throw new AppError("conflict", "this username is taken");
  const [user] = await tx.insert(users).values({ username: input.username, displayName: input.displayName, role, passwordHash }).returning({ id: users.id, role: users.role });
  return user!;
}

/** After an audited key loss: the same account gets a new password, key pair and TOTP. */
async function rekeyedUser(tx: Tx, username: string, passwordHash: string) {
  const [user] = await tx
    .update(users)
    .set({ passwordHash, totpEnabled: false, totpSecretEnc: null, totpLastStep: null })
    .where(sql`lower(${users.username}) = lower(${username})`)
    .returning({ id: users.id, role: users.role });
  if (!user) throw new AppError("not_found", "this link is not valid any more; ask an administrator for a new one");
  return user;
}

/** Start (or restart) TOTP enrolment: a fresh secret, stored encrypted, not yet active. */
export async function beginTotpEnrolment(ctx: AppContext, session: StaffSession) {
  if (session.stage !== "enrol") throw new AppError("conflict", "two-factor authentication is already set up");
  const secret = newTotpSecret();
  const enc = sealWithServerKey(ctx.keys.subkey("totp"), secret.bytes, totpAd(session.user.id));
  await ctx.db.update(users).set({ totpSecretEnc: enc, totpEnabled: false }).where(eq(users.id, session.user.id));
  const uri = totpUri(secret.bytes, session.user.username);
  return { secret: secret.base32, uri, qrSvg: await totpQrSvg(uri) };
}

/** Confirm enrolment with a first code; the enrol session is replaced by a full one. */
export async function confirmTotpEnrolment(ctx: AppContext, session: StaffSession, code: string) {
  if (session.stage !== "enrol") throw new AppError("conflict", "two-factor authentication is already set up");
  const [user] = await ctx.db.select().from(users).where(eq(users.id, session.user.id));
  if (!user?.totpSecretEnc) throw new AppError("conflict", "start the enrolment first");
  const secret = openWithServerKey(ctx.keys.subkey("totp"), user.totpSecretEnc, totpAd(user.id));
  const step = checkTotp(secret, code, user.totpLastStep, ctx.now());
  if (step === null) throw new AppError("validation_failed", "the code is not right; check the time on your phone and try again");
  return ctx.db.transaction(async (tx) => {
    if (!(await spendTotpStep(tx, user.id, step))) throw new AppError("validation_failed", "this code was already used; wait for the next one");
    await tx.update(users).set({ totpEnabled: true }).where(eq(users.id, user.id));
    await endSession(tx, session.idHash);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "staff.totp_enrolled", subjectType: "staff", subjectId: user.id });
    return startSession(tx, user.id, "full", sessionLimits(ctx), ctx.now(), session.privateKey);
  });
}

/** An administrator clears someone's TOTP (lost phone): they must enrol again at next login. */
export async function resetStaffTotp(ctx: AppContext, actorId: string, userId: string) {
  await ctx.db.transaction(async (tx) => {
    const updated = await tx.update(users).set({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null }).where(eq(users.id, userId)).returning({ id: users.id });
    if (updated.length === 0) throw new AppError("not_found", "no such staff member");
    await endAllSessions(tx, userId);
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "staff.totp_reset", subjectType: "staff", subjectId: userId });
  });
}

export function sessionLimits(ctx: AppContext) {
  return { idleMinutes: ctx.config.sessionIdleMinutes, absoluteHours: ctx.config.sessionAbsoluteHours };
}

export { totpAd };

/** Moves the account's last TOTP step forward to `step` unless a parallel request got there first: one atomic check-and-set. */
export async function spendTotpStep(tx: Pick<AppContext["db"], "update">, userId: string, step: number): Promise<boolean> {
  const moved = await tx
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
    .returning({ id: users.id });
  return moved.length === 1;
}
