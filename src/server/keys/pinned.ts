import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../audit/log.js";
import { appendAudit } from "../audit/log.js";
import { rowsOf, type Db } from "../db/index.js";
import { auditLog, escrowKeys, staffKeys, teams } from "../db/schema.js";
import { keyRowMac, keyRowMacMatches, type ServerKeys } from "../crypto/server-key.js";
import { AppError } from "../errors.js";

/**
 * Public-key rows pinned by a MAC under a server sub-key (SECURITY.md, key hierarchy). A database
 * writer without the key file could otherwise put his own public key in a staff, team or escrow
 * row, and the server would seal case keys, team keys or staff private keys to him. So nothing
 * is ever sealed or wrapped to a public key read from the database unless its row's MAC holds:
 * a row that fails is refused (staff, team) or ignored (escrow), and the refusal is logged
 * without any applicant data.
 */
type Select = Pick<Db, "select">;

// What each kind of row is pinned on: a tag and its fields, in one place for making and checking.
type StaffRow = { userId: string; publicKey: Buffer };
type TeamRow = { id: string; publicKey: Buffer; keyVersion: number };
type EscrowRow = { id: string; publicKey: Buffer; shares: number; threshold: number };
const staffPin = (r: StaffRow) => ["staff-key:v1", [r.userId, r.publicKey]] as const;
const teamPin = (r: TeamRow) => ["team-key:v1", [r.id, r.publicKey, r.keyVersion]] as const;
const escrowPin = (r: EscrowRow) => ["escrow-key:v1", [r.id, r.publicKey, r.shares, r.threshold]] as const;
type Pin = readonly [string, readonly (string | number | Buffer)[]];

const macOf = (keys: ServerKeys, [tag, fields]: Pin) => keyRowMac(keys.subkey("keyrows"), tag, [...fields]);
const holds = (keys: ServerKeys, mac: Buffer | null, [tag, fields]: Pin) => keyRowMacMatches(keys.subkey("keyrows"), mac, tag, [...fields]);

export const staffKeyMac = (keys: ServerKeys, userId: string, publicKey: Buffer) => macOf(keys, staffPin({ userId, publicKey }));
export const teamKeyMac = (keys: ServerKeys, id: string, publicKey: Buffer, keyVersion: number) => macOf(keys, teamPin({ id, publicKey, keyVersion }));
export const escrowKeyMac = (keys: ServerKeys, id: string, publicKey: Buffer, shares: number, threshold: number) => macOf(keys, escrowPin({ id, publicKey, shares, threshold }));

function tampered(what: string): AppError {
  // 503, not 500: the request was fine; the store is not trustworthy until an operator looks.
  return new AppError("unavailable", `the stored ${what} failed its integrity check: nothing was sealed to it. An operator must check the database (keys check).`);
}

/** A staff member's public key, only if its row is pinned; null when he has no key pair. */
export async function trustedStaffKey(db: Select, keys: ServerKeys, userId: string): Promise<Buffer | null> {
  const [row] = await db.select({ publicKey: staffKeys.publicKey, mac: staffKeys.mac }).from(staffKeys).where(eq(staffKeys.userId, userId));
  return row ? pinnedStaffKey(keys, { userId, ...row }) : null;
}

/** The public key of a staff row a caller has already read (with its MAC), only if the MAC holds. */
export function pinnedStaffKey(keys: ServerKeys, row: StaffRow & { mac: Buffer | null }): Buffer {
  if (!holds(keys, row.mac, staffPin(row))) throw tampered("staff key");
  return row.publicKey;
}

/** Public keys of several staff members, each checked; members without a key pair are left out. */
export async function trustedStaffKeys(db: Select, keys: ServerKeys, userIds: string[]): Promise<{ userId: string; publicKey: Buffer }[]> {
  if (userIds.length === 0) return [];
  const rows = await db.select({ userId: staffKeys.userId, publicKey: staffKeys.publicKey, mac: staffKeys.mac }).from(staffKeys).where(inArray(staffKeys.userId, userIds));
  for (const r of rows) if (!holds(keys, r.mac, staffPin(r))) throw tampered("staff key");
  return rows.map(({ userId, publicKey }) => ({ userId, publicKey }));
}

/** Team public keys with their versions, each checked. */
export async function trustedTeamKeys(db: Select, keys: ServerKeys, ids: string[]): Promise<{ id: string; publicKey: Buffer; keyVersion: number }[]> {
  if (ids.length === 0) return [];
  const rows = await db.select({ id: teams.id, publicKey: teams.publicKey, keyVersion: teams.keyVersion, mac: teams.mac }).from(teams).where(inArray(teams.id, ids));
  for (const r of rows) if (!holds(keys, r.mac, teamPin(r))) throw tampered("team key");
  return rows.map(({ id, publicKey, keyVersion }) => ({ id, publicKey, keyVersion }));
}

/**
 * The newest active escrow key whose row is pinned. A forged row is skipped (and reported): the
 * escrow copy is optional, so the safe answer is to wrap nothing to it rather than to stop work.
 */
export async function trustedEscrowKey(db: Select, keys: ServerKeys, onForged: (id: string) => void = () => {}) {
  const rows = await db.select().from(escrowKeys).where(eq(escrowKeys.active, true)).orderBy(desc(escrowKeys.createdAt));
  for (const r of rows) {
    if (holds(keys, r.mac, escrowPin(r))) return r;
    onForged(r.id);
  }
  return null;
}

/**
 * Rows written before MACs existed get one, once: at the first start of a version that checks
 * them, recorded in the audit chain (a new store records the marker with its first key rows). After that marker a row without a MAC is a forgery, never
 * blessed again (deleting the marker breaks the audit chain, which `audit verify` reports).
 */
export async function pinKeyRowsOnce(db: Db, keys: ServerKeys): Promise<{ pinned: boolean; staff: number; teams: number; escrow: number }> {
  return db.transaction(async (tx: Tx) => {
    // Only a row without a MAC needs the marker looked up (the audit log has no index on the
    // action): a usual start has none, and neither has a new store, whose first key rows are made
    // with their MACs and the marker together (bootstrapTeams).
    const [state] = await rowsOf<{ unpinned: boolean }>(
      tx,
      sql`SELECT (EXISTS (SELECT 1 FROM staff_keys WHERE mac IS NULL) OR EXISTS (SELECT 1 FROM teams WHERE mac IS NULL) OR EXISTS (SELECT 1 FROM escrow_keys WHERE mac IS NULL)) AS "unpinned"`,
    );
    if (!state?.unpinned) return { pinned: false, staff: 0, teams: 0, escrow: 0 };
    const [marker] = await tx.select({ seq: auditLog.seq }).from(auditLog).where(eq(auditLog.action, "keys.rows_pinned")).limit(1);
    if (marker) return { pinned: false, staff: 0, teams: 0, escrow: 0 };
    const s = await tx.select().from(staffKeys).where(isNull(staffKeys.mac));
    for (const r of s) await tx.update(staffKeys).set({ mac: macOf(keys, staffPin(r)) }).where(and(eq(staffKeys.userId, r.userId), isNull(staffKeys.mac)));
    const t = await tx.select().from(teams).where(isNull(teams.mac));
    for (const r of t) await tx.update(teams).set({ mac: macOf(keys, teamPin(r)) }).where(and(eq(teams.id, r.id), isNull(teams.mac)));
    const e = await tx.select().from(escrowKeys).where(isNull(escrowKeys.mac));
    for (const r of e) await tx.update(escrowKeys).set({ mac: macOf(keys, escrowPin(r)) }).where(and(eq(escrowKeys.id, r.id), isNull(escrowKeys.mac)));
    const counts = { staff: s.length, teams: t.length, escrow: e.length };
    await markKeyRowsPinned(tx, keys, counts);
    return { pinned: true, ...counts };
  });
}

/** From this audit row on, a key row without a MAC is a forgery, never pinned. */
export async function markKeyRowsPinned(tx: Tx, keys: ServerKeys, counts: { staff: number; teams: number; escrow: number }) {
  await appendAudit(tx, keys.subkey("audit"), { actorId: null, action: "keys.rows_pinned", subjectType: "keys", details: counts });
}

/** `keys check`: every key row and whether its MAC holds, for an operator after a suspected break-in. */
export async function checkKeyRows(db: Select, keys: ServerKeys) {
  const bad: string[] = [];
  for (const r of await db.select().from(staffKeys)) if (!holds(keys, r.mac, staffPin(r))) bad.push(`staff ${r.userId}`);
  for (const r of await db.select().from(teams)) if (!holds(keys, r.mac, teamPin(r))) bad.push(`team ${r.id}`);
  for (const r of await db.select().from(escrowKeys)) if (!holds(keys, r.mac, escrowPin(r))) bad.push(`escrow ${r.id}`);
  return { ok: bad.length === 0, bad };
}
