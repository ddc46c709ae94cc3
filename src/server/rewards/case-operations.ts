import { asc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import type { StaffSession } from "../auth/sessions.js";
import { withCaseKey } from "../cases/index.js";
import { authorize } from "../policy.js";
import { operationCases, operations } from "../operations/tables.js";
import { closedOperationsOfCase } from "../operations/case-refs.js";
import { ASSESS_CLAIM } from "./access.js";

/**
 * The operations a case is on or came from, for the officer who links a claim to one: the open
 * ones through their case links, the closed ones through the case's sealed note of them (the
 * links are shredded at close), which his case key opens. Only what the operations table keeps
 * in clear is read (id, state, and the day once closed): the details are sealed to the
 * coordinators on it and stay so. The case must be one the officer may open a claim on.
 */
export async function operationsOfCase(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, ASSESS_CLAIM.resource, ASSESS_CLAIM.action);
  return withCaseKey(ctx, session, caseId, async (caseKey) => {
    const ids = await operationIdsOfCase(ctx.db, caseId, caseKey);
    if (ids.length === 0) return [];
    return ctx.db.select({ id: operations.id, state: operations.state, summary: operations.summary }).from(operations).where(inArray(operations.id, ids)).orderBy(asc(operations.createdAt));
  }, ASSESS_CLAIM);
}

/** The ids of the operations a case is on (its links) or came from (its sealed notes of closed ones). */
export async function operationIdsOfCase(db: Pick<Db, "select">, caseId: string, caseKey: Buffer): Promise<string[]> {
  const open = await db.select({ id: operationCases.operationId }).from(operationCases).where(eq(operationCases.caseId, caseId));
  return [...new Set([...open.map((o) => o.id), ...(await closedOperationsOfCase(db, caseId, caseKey))])];
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
