import { and, desc, eq, isNotNull, lte } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import { appendAudit } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import type { ScheduleProposal } from "../../shared/rewards.js";
import seed from "./schedule-seed.json" with { type: "json" };
import { rewardSchedules, type ScheduleItem } from "./tables.js";

export type ScheduleVersion = typeof rewardSchedules.$inferSelect;

/**
 * The first version is the project's copy of law 7229 (schedule-seed.json), written as approved by
 * the law itself (no proposer) the first time a store finds no version: reads look once and seed
 * only then, rather than checking before every read. The unique effective date makes two
 * instances seeding at once harmless.
 */
async function seedFirstVersion(db: Tx): Promise<void> {
  await db.insert(rewardSchedules).values({ effectiveFrom: seed.effectiveFrom, currency: seed.currency, source: seed.source, items: seed.items, approvedAt: new Date(`${seed.effectiveFrom}T00:00:00Z`) }).onConflictDoNothing();
}

export async function listSchedules(db: Tx): Promise<ScheduleVersion[]> {
  const read = () => db.select().from(rewardSchedules).orderBy(desc(rewardSchedules.effectiveFrom));
  const versions = await read();
  if (versions.length) return versions;
  await seedFirstVersion(db);
  return read();
}

/** The approved version in force on a day (YYYY-MM-DD): the latest one effective on or before it. */
export async function versionInForce(db: Tx, day: string): Promise<ScheduleVersion> {
  const read = async () => (await db.select().from(rewardSchedules).where(and(isNotNull(rewardSchedules.approvedAt), lte(rewardSchedules.effectiveFrom, day))).orderBy(desc(rewardSchedules.effectiveFrom)).limit(1))[0];
  let v = await read();
  if (!v) {
    // Seeding is idempotent (one row per effective date), so it needs no "is it empty?" check,
    // which raced: two first readers could each see the other's seed too late and refuse (a 500
    // on the applicant's form during the flood bench).
    await seedFirstVersion(db);
    v = await read();
  }
  if (!v) throw new AppError("conflict", "no reward schedule was in force on that day");
  return v;
}

/**
 * The version in force on a day for the public pages, which every visitor loads (and for the
 * operations' check of what he brings, through the same plug point): kept for a minute so a flood of page views is not a flood of queries, and forgotten in this process as
 * soon as a version is approved (another instance sees it within the minute).
 */
const PUBLIC_TTL_MS = 60_000;
// Per store (a test process opens several), the one day last asked for.
let publicCache = new WeakMap<object, { day: string; version: ScheduleVersion; until: number }>();
export async function publicScheduleInForce(db: Tx, day: string): Promise<ScheduleVersion> {
  const hit = publicCache.get(db);
  if (hit && hit.day === day && hit.until > Date.now()) return hit.version;
  const version = await versionInForce(db, day);
  publicCache.set(db, { day, version, until: Date.now() + PUBLIC_TTL_MS });
  return version;
}

/** Every version, newest first, and the one in force on `day`, from one read (the schedule endpoint wants both). */
export async function schedulesOn(db: Tx, day: string): Promise<{ inForce: ScheduleVersion; versions: ScheduleVersion[] }> {
  const versions = await listSchedules(db);
  // Newest first: the first approved one effective on or before the day is the one in force, as versionInForce's query picks it.
  const inForce = versions.find((v) => v.approvedAt !== null && v.effectiveFrom <= day);
  if (!inForce) throw new AppError("conflict", "no reward schedule was in force on that day");
  return { inForce, versions };
}

export function itemOf(version: ScheduleVersion, code: string): ScheduleItem {
  const item = version.items.find((i) => i.code === code);
  if (!item) throw new AppError("validation_failed", "this equipment type is not in the schedule in force on the handover day", [{ path: "equipmentCode", message: "not in the schedule" }]);
  return item;
}

/**
 * The amount of a schedule row, in cents. A fixed row gives its amount (an amount typed for it
 * must be that one); a range (the MLRS row, 25,000 to 35,000) needs the assessor's amount within
 * it and his reason.
 */
export function amountFor(item: ScheduleItem, chosen: { amount?: number | undefined; reason?: string | undefined }): number {
  if (item.min === item.max) {
    if (chosen.amount !== undefined && chosen.amount !== item.min) throw new AppError("validation_failed", "this schedule row has a fixed amount", [{ path: "amount", message: `must be ${item.min}` }]);
    return item.min * 100;
  }
  if (chosen.amount === undefined || chosen.amount < item.min || chosen.amount > item.max) throw new AppError("validation_failed", `the amount must be chosen within ${item.min} to ${item.max}`, [{ path: "amount", message: "outside the range" }]);
  if (!chosen.reason) throw new AppError("validation_failed", "an amount within a range needs the assessor's reason", [{ path: "reason", message: "required" }]);
  return chosen.amount * 100;
}

/** An administrator enters a new version; it counts only once another administrator approved it. */
export async function proposeSchedule(ctx: AppContext, session: StaffSession, p: ScheduleProposal) {
  authorize(session.user, "reward_schedule", "propose");
  return ctx.db.transaction(async (tx) => {
    // The seed first, so that a proposal never becomes a store's only version.
    await listSchedules(tx);
    const [row] = await tx.insert(rewardSchedules).values({ ...p, proposedBy: session.user.id, createdAt: ctx.now() }).onConflictDoNothing().returning({ id: rewardSchedules.id });
    if (!row) throw new AppError("conflict", "a version taking effect on that day exists already");
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "reward.schedule_proposed", subjectType: "reward_schedule", subjectId: row.id, details: { effectiveFrom: p.effectiveFrom, items: p.items.length } });
    return { id: row.id };
  });
}

export async function approveSchedule(ctx: AppContext, session: StaffSession, id: string) {
  authorize(session.user, "reward_schedule", "approve");
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(rewardSchedules).where(eq(rewardSchedules.id, id)).for("update");
    if (!row) throw notFound("no such schedule version");
    if (row.approvedAt) throw new AppError("conflict", "already approved");
    // `rule` lets the console say why in the reader's language, not just "forbidden".
    if (row.proposedBy === session.user.id) throw new AppError("forbidden", "a second administrator approves a schedule version, not the one who entered it", { rule: "proposer_approves" });
    await tx.update(rewardSchedules).set({ approvedBy: session.user.id, approvedAt: ctx.now() }).where(eq(rewardSchedules.id, id));
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "reward.schedule_approved", subjectType: "reward_schedule", subjectId: id, details: { effectiveFrom: row.effectiveFrom } });
  });
  publicCache = new WeakMap();
}
