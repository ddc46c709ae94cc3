/**
 * The audit log as staff read it: the page, its filters and the CSV export, above auth (they check
 * the reader's grant). The log itself, written by every command, stays below in audit/.
 */
import { Readable } from "node:stream";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { describeAuditProblem, verifyAuditChain } from "../audit/log.js";
import { exportAuditCsv, readAuditPage } from "./audit-query.js";
import { auditFilterSchema, auditPageQuerySchema, auditPageSchema, auditVerificationSchema } from "../../shared/api/audit.js";

export function registerAuditRoutes(app: BaseApp, ctx: AppContext) {
  app.get(
    "/api/audit",
    {
      config: { grant: needs("audit", "read") }, schema: {
        tags: ["audit"],
        summary: "Read the audit log, newest first, filtered by actor, action, case number and days; `before` pages on",
        querystring: auditPageQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (req) => {
      return readAuditPage(ctx, staffOf(req).user.id, req.query);
    },
  );

  app.get(
    "/api/audit/export.csv",
    { config: { grant: needs("audit", "read") }, schema: { tags: ["audit"], summary: "The audit log as CSV, with the same filters as the page (the export itself is audited)", querystring: auditFilterSchema } },
    async (req, reply) => {
      const rows = await exportAuditCsv(ctx, staffOf(req).user.id, req.query);
      const day = ctx.now().toISOString().slice(0, 10);
      void reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="audit-${day}.csv"`);
      return reply.send(Readable.from(rows));
    },
  );

  app.get(
    "/api/audit/verify",
    { config: { grant: needs("audit", "verify") }, schema: { tags: ["audit"], summary: "Check the audit chain", response: { 200: auditVerificationSchema } } },
    async () => {
      const r = await verifyAuditChain(ctx.db, ctx.keys.subkey("audit"));
      return { ok: r.problem === null, rows: r.rows, problem: r.problem ? describeAuditProblem(r.problem) : null };
    },
  );
}
