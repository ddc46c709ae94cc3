import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import { findCase, recordChange } from "../cases/index.js";
import { generateCaseKey, wipe, withSecret } from "../crypto/index.js";
import { openFileKey, sealFileKeyTo } from "./keys.js";
import { resettlementFiles } from "./tables.js";

export type CaseRow = Awaited<ReturnType<typeof findCase>>;
type Action = "read" | "write";

/** One audit row about a case's resettlement file: ids and counts only, never a value. */
export const auditFile = (ctx: AppContext, tx: Tx, actorId: string, action: string, caseId: string, details?: Record<string, string | number | boolean | null>) =>
  recordChange(ctx, tx, { actorId, action, caseId, ...(details ? { details } : {}), notify: null });

/**
 * Run `fn` with a case's file key, for a resettlement officer it is sealed to. The case must be
 * in his scope (his team, assigned or granted) and the key sealed to him: an officer of the same
 * team who is not on the file, or anyone out of scope, gets "not found", audited. Need-to-know
 * is the key, not the role. `start` lets the first officer to write open the file (the key is
 * made and sealed to him only); reading a file nobody started gives `key: null`.
 */
export async function withFile<T>(ctx: AppContext, session: StaffSession, caseId: string, action: Action, fn: (f: { key: Buffer | null; row: CaseRow }) => Promise<T>, opts: { start?: boolean } = {}): Promise<T> {
  authorize(session.user, "resettlement", action);
  const row = await findCase(ctx, session.user, caseId, { resource: "resettlement", action });
  const [file] = await ctx.db.select().from(resettlementFiles).where(eq(resettlementFiles.caseId, caseId));
  if (!file) {
    if (!opts.start) return fn({ key: null, row });
    return withSecret(await startFile(ctx, session, caseId), (key) => fn({ key, row }));
  }
  const key = await openFileKey(ctx.db, caseId, session);
  if (!key) {
    await ctx.db.transaction((tx) => auditFile(ctx, tx, session.user.id, "resettlement.not_found", caseId));
    throw new AppError("not_found", "no such case");
  }
  return withSecret(key, (k) => fn({ key: k, row }));
}

/** Like `withFile`, for a command that needs the key (a write: the file is started if need be). */
export const withFileKey = <T>(ctx: AppContext, session: StaffSession, caseId: string, fn: (f: { key: Buffer; row: CaseRow }) => Promise<T>) =>
  withFile(ctx, session, caseId, "write", ({ key, row }) => fn({ key: key!, row }), { start: true });

async function startFile(ctx: AppContext, session: StaffSession, caseId: string): Promise<Buffer> {
  const key = generateCaseKey();
  const now = ctx.now();
  await ctx.db
    .transaction(async (tx) => {
    const made = await tx.insert(resettlementFiles).values({ caseId, createdBy: session.user.id, createdAt: now }).onConflictDoNothing().returning();
    if (!made.length) throw new AppError("conflict", "another officer started this file just now: reload");
    await sealFileKeyTo(tx, ctx.keys, caseId, key, session.user.id, session.user.id, now);
    await auditFile(ctx, tx, session.user.id, "resettlement.started", caseId);
  })
    .catch((err: unknown) => {
      wipe(key);
      throw err;
    });
  return key;
}
