import { eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { sessions, users } from "../db/schema.js";
import { hashToken, randomToken, constantTimeEqual } from "../crypto/random.js";
import { mac } from "../crypto/server-key.js";
import type { Role } from "../../shared/roles.js";

export type SessionStage = "enrol" | "full";

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface StaffSession {
  idHash: Buffer;
  stage: SessionStage;
  user: SessionUser;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

/** Only the hash of the session id is stored; the id itself lives in the cookie alone. */
export async function startSession(db: Pick<Db, "insert">, userId: string, stage: SessionStage, limits: SessionLimits, now: Date) {
  const id = randomToken();
  const expiresAt = new Date(now.getTime() + limits.absoluteHours * 3600_000);
  await db.insert(sessions).values({ idHash: hashToken(id), userId, stage, createdAt: now, lastSeenAt: now, expiresAt });
  return { id, expiresAt };
}

/**
 * The session behind a cookie, if it is still alive: not past its absolute expiry, not idle for
 * longer than allowed, and its user not disabled. Touching it moves the idle deadline.
 */
export async function resumeSession(db: Db, id: string, limits: SessionLimits, now: Date): Promise<StaffSession | null> {
  const idHash = hashToken(id);
  const [row] = await db
    .select({
      stage: sessions.stage,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      disabledAt: users.disabledAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return null;
  const idleDeadline = row.lastSeenAt.getTime() + limits.idleMinutes * 60_000;
  if (row.disabledAt || now >= row.expiresAt || now.getTime() >= idleDeadline) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  // Writing on every request would make each read a write; a minute of slack is enough.
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  return {
    idHash,
    stage: row.stage as SessionStage,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    user: { id: row.userId, username: row.username, displayName: row.displayName, role: row.role as Role },
  };
}

export async function endSession(db: Pick<Db, "delete">, idHash: Buffer) {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Logout everywhere, and what disabling an account or resetting its 2FA does. */
export async function endAllSessions(db: Pick<Db, "delete">, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function purgeExpiredSessions(db: Db, limits: SessionLimits, now: Date) {
  const idleCutoff = new Date(now.getTime() - limits.idleMinutes * 60_000);
  await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleCutoff)));
}

/**
 * CSRF token: a MAC of the session id under a server key. The console reads it from the session
 * endpoint and sends it back in a header; a cross-site page can neither read nor compute it.
 */
export function csrfTokenFor(key: Buffer, sessionId: string): string {
  return mac(key, Buffer.from(`csrf:${sessionId}`)).toString("base64url");
}

export function csrfTokenValid(key: Buffer, sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(key, sessionId));
  return constantTimeEqual(expected, Buffer.from(presented));
}

