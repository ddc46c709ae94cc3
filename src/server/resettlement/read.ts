import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { appendAudit } from "../audit/log.js";
import { cases, users } from "../db/schema.js";
import { withSecret } from "../crypto/index.js";
import type { ResettlementBoard, ResettlementCard } from "../../shared/api/resettlement.js";
import { CLOSED_TASK_STATES } from "../../shared/resettlement.js";
import { openValue } from "./keys.js";
import { openKeySealedToMe } from "../keys/sealed-to-me.js";
import { familyMembers, resettlementKeys, resettlementTasks } from "./tables.js";
import { auditFile, withFile } from "./access.js";
import type { TaskValue } from "./commands.js";
import { byUrgency, isOverdue, presentGuarantee, presentMember, presentStep, staffToday, type MemberValue } from "./present.js";

async function namesOf(ctx: AppContext, ids: string[]) {
  const rows = ids.length ? await ctx.db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, [...new Set(ids)])) : [];
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

/** A case's guarantees and family card, for an officer on the file; every read is audited. */
export async function readCard(ctx: AppContext, session: StaffSession, caseId: string): Promise<ResettlementCard> {
  return withFile(ctx, session, caseId, "read", async ({ key, row }) => {
    const empty = { caseId, number: row.number, started: false, officers: [], guarantees: [], family: [] };
    if (!key) return empty;
    const officers = await ctx.db.select({ userId: resettlementKeys.userId, displayName: users.displayName }).from(resettlementKeys).innerJoin(users, eq(users.id, resettlementKeys.userId)).where(eq(resettlementKeys.caseId, caseId));
    const members = await ctx.db.select().from(familyMembers).where(eq(familyMembers.caseId, caseId)).orderBy(asc(familyMembers.createdAt));
    const tasks = await ctx.db.select().from(resettlementTasks).where(eq(resettlementTasks.caseId, caseId));
    const today = staffToday(ctx.now());
    tasks.sort(byUrgency(today));
    const names = await namesOf(ctx, tasks.map((t) => t.ownerId));
    const valueOf = (t: (typeof tasks)[number]) => openValue(key, caseId, "resettlement_tasks", t.id, t.sealed) as TaskValue;
    await ctx.db.transaction((tx) => auditFile(ctx, tx, session.user.id, "resettlement.read", caseId, { members: members.length, tasks: tasks.length }));
    return {
      ...empty,
      started: true,
      officers,
      guarantees: tasks.filter((t) => !t.memberId).map((t) => presentGuarantee(t, valueOf(t), names, today)),
      family: members.map((m) =>
        presentMember(
          m.id,
          openValue(key, caseId, "family_members", m.id, m.sealed) as MemberValue,
          tasks.filter((t) => t.memberId === m.id).map((t) => presentStep(t, valueOf(t), names, today)),
        ),
      ),
    };
  });
}

/**
 * The resettlement board: the open tasks of every file sealed to this officer, overdue first,
 * then by due day. Files not sealed to him do not appear at all (not even as a count). Audited.
 */
export async function readBoard(ctx: AppContext, session: StaffSession): Promise<ResettlementBoard> {
  authorize(session.user, "resettlement", "read");
  // His sealed copies in one read; closed tasks stay in the database, not in the board's read.
  const mine = await ctx.db.select({ caseId: resettlementKeys.caseId, sealedKey: resettlementKeys.sealedKey }).from(resettlementKeys).where(eq(resettlementKeys.userId, session.user.id));
  const rows = mine.length
    ? await ctx.db
        .select({ t: resettlementTasks, number: cases.number })
        .from(resettlementTasks)
        .innerJoin(cases, eq(cases.id, resettlementTasks.caseId))
        .where(and(inArray(resettlementTasks.caseId, mine.map((m) => m.caseId)), notInArray(resettlementTasks.state, [...CLOSED_TASK_STATES])))
    : [];
  const today = staffToday(ctx.now());
  const names = await namesOf(ctx, rows.map((r) => r.t.ownerId));
  const items: ResettlementBoard["items"] = [];
  for (const { caseId, sealedKey } of mine) {
    const tasks = rows.filter((r) => r.t.caseId === caseId);
    if (!tasks.length) continue;
    const key = openKeySealedToMe(sealedKey, session.privateKey);
    if (!key) continue; // a copy sealed to a key he no longer has: nothing he can read
    await withSecret(key, async (k) => {
      for (const { t, number } of tasks) {
        const v = openValue(k, caseId, "resettlement_tasks", t.id, t.sealed) as TaskValue;
        items.push({ taskId: t.id, caseId, number, kind: v.kind ?? null, step: v.step ?? null, ownerName: names.get(t.ownerId) ?? "", dueOn: t.dueOn, state: t.state as never, overdue: isOverdue(t, today) });
      }
    });
  }
  items.sort(byUrgency(today));
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "resettlement.board_read", subjectType: "resettlement_board", subjectId: session.user.id, details: { items: items.length } }));
  return { items };
}
