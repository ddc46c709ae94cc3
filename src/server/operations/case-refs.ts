import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/index.js";
import type { Tx } from "../audit/log.js";
import { decryptJson, encryptJson } from "../crypto/fields.js";
import { operationCaseRefs } from "./tables.js";

/**
 * A handed-over case's sealed note of the operation it came from (tables.ts, operationCaseRefs):
 * written at close under the case key, read by whoever opens the case (the reward officer linking
 * a claim). The field context binds each ciphertext to its case and row.
 */
const place = (caseId: string, rowId: string) => ({ caseId, table: "operation_case_refs", field: "ref", rowId });
const refSchema = z.object({ operationId: z.string().uuid() });

export async function keepOperationRef(tx: Tx, open: { caseId: string; caseKey: Buffer }, operationId: string): Promise<void> {
  const id = randomUUID();
  await tx.insert(operationCaseRefs).values({ id, caseId: open.caseId, ref: encryptJson(open.caseKey, place(open.caseId, id), { operationId }) });
}

/** The closed operations this case came from, as its key opens them. */
export async function closedOperationsOfCase(db: Pick<Db, "select">, caseId: string, caseKey: Buffer): Promise<string[]> {
  const rows = await db.select().from(operationCaseRefs).where(eq(operationCaseRefs.caseId, caseId));
  return rows.map((r) => refSchema.parse(decryptJson(caseKey, place(caseId, r.id), r.ref)).operationId);
}
