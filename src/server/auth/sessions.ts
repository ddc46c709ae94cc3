import { eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { sessions, users } from "../db/schema.js";
import { constantTimeEqual } from "../crypto/random.js";
import { mac } from "../crypto/server-key.js";
import { startSession as newSessionKeys, resumeSession as unwrapSessionKey } from "../crypto/session-keys.js";
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
  /** The staff private key, unwrapped for this request only (secure memory; wiped after the response). */
  privateKey: Buffer;
  stage: SessionStage;
  user: SessionUser;
  createdAt: Date;
  expiresAt: Date;
  /** The caller's extra question about the user (resumeSession's `ask`), answered in the same read. */
  answer?: boolean;
}

export interface SessionLimits {
  idleMinutes: number;
  absoluteHours: number;
}

/**
 * Start a session. The cookie carries the session id and a secret; the database keeps the id's
 * hash and the staff private key wrapped under that secret, so neither the database nor the
 * server's memory between requests can open the key.
 */
export async function startSession(db: Pick<Db, "insert">, userId: string, stage: SessionStage, limits: SessionLimits, now: Date, privateKey: Buffer) {
  const keys = newSessionKeys(privateKey);
  const expiresAt = new Date(now.getTime() + limits.absoluteHours * 3600_000);
  const idHash = Buffer.from(keys.sessionIdHash, "hex");
  await db.insert(sessions).values({ idHash, userId, stage, wrappedKey: keys.wrapped, createdAt: now, lastSeenAt: now, expiresAt });
  return { id: keys.cookieValue, idHash, expiresAt };
}

/**
 * The session behind a cookie, if it is still alive: not past its absolute expiry, not idle for
 * longer than allowed, and its user not disabled. Touching it moves the idle deadline.
 */
export async function resumeSession(db: Db, cookieValue: string, limits: SessionLimits, now: Date, ask: (userId: typeof users.id) => SQL<boolean> = () => sql<boolean>`false`): Promise<StaffSession | null> {
  let row: Awaited<ReturnType<typeof loadRow>> | undefined;
  const unlocked = await unwrapSessionKey(cookieValue, async (hashHex) => {
    row = await loadRow(db, Buffer.from(hashHex, "hex"), ask);
    return row?.wrappedKey ?? null;
  });
  if (!unlocked || !row) return null;
  const idHash = Buffer.from(unlocked.sessionIdHash, "hex");
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
    privateKey: unlocked.privateKey,
    stage: row.stage as SessionStage,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    answer: row.answer === true,
    user: { id: row.userId, username: row.username, displayName: row.displayName, role: row.role as Role },
  };
}

async function loadRow(db: Db, idHash: Buffer, ask: (userId: typeof users.id) => SQL<boolean>) {
  const [row] = await db
    .select({
      stage: sessions.stage,
      wrappedKey: sessions.wrappedKey,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      disabledAt: users.disabledAt,
      answer: ask(users.id),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  return row;
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
 * CSRF token: a MAC of the session id's hash under a server key. The console reads it from the session
 * endpoint and sends it back in a header; a cross-site page can neither read nor compute it.
 */
export function csrfTokenFor(key: Buffer, sessionIdHash: Buffer): string {
  return mac(key, Buffer.concat([Buffer.from("csrf:"), sessionIdHash])).toString("base64url");
}

export function csrfTokenValid(key: Buffer, sessionIdHash: Buffer, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(key, sessionIdHash));
  return constantTimeEqual(expected, Buffer.from(presented));
}

