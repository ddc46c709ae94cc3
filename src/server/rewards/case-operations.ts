import { asc, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import type { StaffSession } from "../auth/sessions.js";
import { findCase } from "../cases/index.js";
import { authorize } from "../policy.js";
import { operationCases, operations } from "../operations/tables.js";
import { ASSESS_CLAIM } from "./access.js";

/**
 * The operations a case is on, for the officer who links a claim to one. Only what the operations
 * table keeps in clear is read (id, state, and the day once closed): the details are sealed to the
 * coordinators on it and stay so. The case must be one the officer may open a claim on.
 */
export async function operationsOfCase(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, ASSESS_CLAIM.resource, ASSESS_CLAIM.action);
  await findCase(ctx, session.user, caseId, ASSESS_CLAIM);
  return ctx.db
    .select({ id: operations.id, state: operations.state, summary: operations.summary })
    .from(operationCases)
    .innerJoin(operations, eq(operations.id, operationCases.operationId))
    .where(eq(operationCases.caseId, caseId))
    .orderBy(asc(operations.createdAt));
}

/**
 * The operation a claim came from, as the claim shows it: the operations row outlives the close
 * (only its details, keys and case links are destroyed), so the link still names it then, with
 * what the close left in clear (the day, the oblast, the outcome). Never the sealed details.
 */
export async function operationOfClaim(db: Pick<Db, "select">, operationId: string | null) {
  if (!operationId) return null;
  const [row] = await db.select({ id: operations.id, state: operations.state, summary: operations.summary }).from(operations).where(eq(operations.id, operationId));
  return row ?? null;
}
