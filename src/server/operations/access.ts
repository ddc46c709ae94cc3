import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { appendAudit, type Tx } from "../audit/log.js";
import type { StaffSession } from "../auth/sessions.js";
import { AppError } from "../errors.js";
import { withSecret } from "../crypto/index.js";
import { storedDetailsSchema, type Details } from "./schema.js";
import { openDetails, openOperationKey } from "./keys.js";
import { operations } from "./tables.js";

export type OperationRow = typeof operations.$inferSelect;

/** One audit row about an operation (ids and codes only). */
export function auditOperation(ctx: AppContext, tx: Tx, actorId: string, action: string, operationId: string, details?: Record<string, string | number | boolean | null>) {
  return appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action, subjectType: "operation", subjectId: operationId, ...(details ? { details } : {}) });
}

/**
 * Run `fn` with an operation's key and details, for a person it is sealed to. Anyone else, and
 * any id that does not exist (or was shredded), gets the same "not found", and the attempt is
 * audited: need-to-know is the key itself, not a role.
 */
export async function withOperation<T>(ctx: AppContext, session: StaffSession, operationId: string, fn: (o: { key: Buffer; row: OperationRow; details: Details }) => Promise<T>): Promise<T> {
  const [row] = await ctx.db.select().from(operations).where(eq(operations.id, operationId));
  const key = row?.details ? await openOperationKey(ctx.db, operationId, session) : null;
  if (!row?.details || !key) {
    await ctx.db.transaction((tx) => auditOperation(ctx, tx, session.user.id, "operation.not_found", operationId));
    throw new AppError("not_found", "no such operation");
  }
  const details = row.details;
  return withSecret(key, (k) => fn({ key: k, row, details: storedDetailsSchema.parse(openDetails(k, operationId, details)) }));
}
