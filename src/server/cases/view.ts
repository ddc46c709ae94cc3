import { asc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { caseEvents, cases, users } from "../db/schema.js";
import { decryptFieldText } from "../crypto/fields.js";
import { wipe } from "../crypto/secure.js";
import { authorize } from "../policy.js";
import type { StaffSession } from "../auth/sessions.js";
import { openCaseKeyFor, withCaseKey } from "./access.js";
import { eventReasonContext } from "./sections.js";
import { readThread, type OpenedCase } from "./thread.js";
import { mergedSources } from "./merge.js";
import { recordChange } from "./change.js";
import { readSections } from "./section-registry.js";

export type TimelineMessage = OpenedCase["messages"][number] & {
  caseId: string;
  caseNumber: number;
  authorName: string | null;
};

export interface TimelineEvent {
  id: string;
  caseId: string;
  caseNumber: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  kind: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
}

export interface CaseView {
  row: typeof cases.$inferSelect;
  assigneeName: string | null;
  sections: OpenedCase["sections"];
  messages: TimelineMessage[];
  events: TimelineEvent[];
  /** Cases merged into this one; `readable` false when this user holds no key to one of them. */
  mergedSources: { id: string; number: number; readable: boolean }[];
  mergedIntoNumber: number | null;
}

async function readEvents(ctx: AppContext, caseId: string, caseNumber: number, caseKey: Buffer) {
  const rows = await ctx.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.at));
  return rows.map((e) => ({
    id: e.id,
    caseId,
    caseNumber,
    at: e.at,
    actorId: e.actorId,
    kind: e.kind,
    fromState: e.fromState,
    toState: e.toState,
    reason: e.reason ? decryptFieldText(caseKey, eventReasonContext(caseId, e.id), e.reason) : null,
  }));
}

/**
 * Open a case for its view: the sections this role may read, the thread and the history, and the
 * threads and histories of every case merged into it (each opened with its own key, labelled with
 * its number). One audit event names the sections read and the merged cases opened; opening
 * clears the unread count for the assignee (or anyone, while nobody is assigned).
 */
export async function openCaseView(ctx: AppContext, session: StaffSession, caseId: string): Promise<CaseView> {
  authorize(session.user, "case", "read");
  const me = { id: session.user.id, privateKey: session.privateKey };
  return withCaseKey(ctx, session, caseId, async (caseKey, row) => {
    // Four independent reads: side by side on PostgreSQL's pool (the embedded store takes them in turn).
    const [sections, thread, events, sources] = await Promise.all([
      readSections(ctx.db, caseId, caseKey, session.user.role) as Promise<OpenedCase["sections"]>,
      readThread(ctx, caseId, caseKey, row.publicKey),
      readEvents(ctx, caseId, row.number, caseKey),
      mergedSources(ctx.db, caseId),
    ]);
    const messages = thread.map((m) => ({ ...m, caseId, caseNumber: row.number }));
    const merged: CaseView["mergedSources"] = [];
    for (const src of sources) {
      const key = await openCaseKeyFor(ctx.db, src.id, me);
      if (!key) {
        merged.push({ ...src, readable: false });
        continue;
      }
      try {
        const [srcRow] = await ctx.db.select({ publicKey: cases.publicKey }).from(cases).where(eq(cases.id, src.id));
        for (const m of await readThread(ctx, src.id, key, srcRow?.publicKey ?? null)) messages.push({ ...m, caseId: src.id, caseNumber: src.number });
        events.push(...(await readEvents(ctx, src.id, src.number, key)));
        merged.push({ ...src, readable: true });
      } finally {
        wipe(key);
      }
    }
    messages.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    events.sort((a, b) => a.at.getTime() - b.at.getTime());

    const people = [...new Set([...messages.map((m) => m.authorUserId), ...events.map((e) => e.actorId), row.assignedUserId].filter((x): x is string => !!x))];
    const names = new Map(people.length ? (await ctx.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people))).map((u) => [u.id, u.name]) : []);
    const mergedInto = row.mergedInto ? (await ctx.db.select({ number: cases.number }).from(cases).where(eq(cases.id, row.mergedInto)))[0] : undefined;

    await ctx.db.transaction(async (tx) => {
      const clearsUnread = row.unreadCount > 0 && (row.assignedUserId === session.user.id || row.assignedUserId === null);
      if (clearsUnread) await tx.update(cases).set({ unreadCount: 0 }).where(eq(cases.id, caseId));
      await recordChange(ctx, tx, {
        actorId: session.user.id,
        action: "case.opened",
        caseId,
        details: { sections: Object.keys(sections).sort().join(","), messages: messages.length, merged: merged.filter((m) => m.readable).map((m) => m.id).join(",") },
        notify: clearsUnread ? "case.read" : null,
      });
    });
    return {
      row,
      assigneeName: row.assignedUserId ? (names.get(row.assignedUserId) ?? null) : null,
      sections,
      messages: messages.map((m) => ({ ...m, authorName: m.authorUserId ? (names.get(m.authorUserId) ?? null) : null })),
      events: events.map((e) => ({ ...e, actorName: e.actorId ? (names.get(e.actorId) ?? null) : null })),
      mergedSources: merged,
      mergedIntoNumber: mergedInto?.number ?? null,
    };
  });
}
