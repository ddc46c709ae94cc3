import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";

/** The steps of the bureau's four-eyes export (Art. 122) and why one was refused. */
export type ExportStep = "request" | "approve" | "run";
export type ExportRefusal =
  | "role" // the caller's role holds no such grant (refused by the route's guard)
  | "not_found" // no export of that id
  | "not_requester" // someone else's export: only the registrar who asked runs it
  | "own_request" // the one who asked cannot approve it
  | "already_approved"
  | "not_approved"
  | "already_run"
  | "withheld"; // he cannot open every prisoner of the range

// The refusals already in the log, so the route's hook does not write a command's refusal twice.
const audited = new WeakSet<AppError>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every refused attempt at the bureau's list leaves its trace, as a run does: a second try after a
 * refusal, a replay of a used export, an approval of one's own request, another registrar's or
 * another role's try are as telling as a run. Who, which export (the id asked for, or none when
 * a request was refused), the step, the reason and how many were withheld; never who was in it.
 * Written in its own transaction, since the attempt is abandoned; returns the error to throw.
 */
export async function refuseExport(ctx: AppContext, actorId: string, exportId: string | null, step: ExportStep, reason: ExportRefusal, error: AppError, withheld?: number): Promise<AppError> {
  const details = { step, reason, ...(withheld ? { withheld } : {}) };
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId, action: "pow.export_refused", subjectType: "pow_export", ...(exportId ? { subjectId: exportId } : {}), details }));
  audited.add(error);
  return error;
}

/**
 * A route hook for the export routes: a caller refused by the route's grant (another role, before
 * any command ran) is audited through refuseExport like the commands' own refusals. Only a signed-in,
 * enrolled caller (the guard named him); the export id only when it is one.
 */
export function auditGrantRefusals(ctx: AppContext, step: ExportStep) {
  return async (req: FastifyRequest, _reply: FastifyReply, error: Error) => {
    if (!(error instanceof AppError) || error.code !== "forbidden" || audited.has(error) || !req.staff) return;
    const id = (req.params as { id?: unknown } | undefined)?.id;
    try {
      await refuseExport(ctx, req.staff.user.id, typeof id === "string" && UUID.test(id) ? id : null, step, "role", error);
    } catch (err) {
      req.log.error({ err, event: "export_refusal_audit_failed" }, "a refused export could not be audited");
    }
  };
}
