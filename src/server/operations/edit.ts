import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { authorize } from "../policy.js";
import { AppError } from "../errors.js";
import type { EditBody } from "./schema.js";
import { sealDetails } from "./keys.js";
import { detailsOf } from "./plan.js";
import { operations } from "./tables.js";
import { auditOperation, withOperation } from "./access.js";

const SENT = "the instructions were already sent: to change the operation, abort it and plan it again";

/**
 * A person on a planned operation changes its details (points, window, zone, signals, what to
 * bring, unit, escort, reminders). The new details are sealed under the same operation key, so
 * everyone it is sealed to reads them and nobody else gains anything. Once the instructions have
 * gone out (scheduled) the applicant holds the old time and place in his messages and reminders
 * are queued for the old time: changing only our copy would send him to the wrong place, so an
 * edit is refused and the way is to abort (he is told it is off) and plan again.
 */
export async function editOperation(ctx: AppContext, session: StaffSession, operationId: string, body: EditBody) {
  authorize(session.user, "rendezvous", "write");
  return withOperation(ctx, session, operationId, async ({ key, row }) => {
    if (row.state !== "planning") throw new AppError("conflict", SENT);
    const details = await detailsOf(ctx, body);
    await ctx.db.transaction(async (tx) => {
      // Guarded on the state in the same statement: instructions sent meanwhile win over the edit.
      const done = await tx
        .update(operations)
        .set({ details: sealDetails(key, operationId, details) })
        .where(and(eq(operations.id, operationId), eq(operations.state, "planning")))
        .returning({ id: operations.id });
      if (!done.length) throw new AppError("conflict", SENT);
      await auditOperation(ctx, tx, session.user.id, "operation.edited", operationId);
    });
    return { ok: true as const };
  });
}
