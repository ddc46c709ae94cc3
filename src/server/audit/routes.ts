import { asc, gt } from "drizzle-orm";
import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { authorize } from "../auth/policy.js";
import { staffOf } from "../auth/guard.js";
import { auditLog } from "../db/schema.js";
import { describeAuditProblem, verifyAuditChain } from "./log.js";

const auditRow = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export function registerAuditRoutes(app: BaseApp, ctx: AppContext) {
  app.get(
    "/api/audit",
    {
      schema: {
        tags: ["audit"],
        summary: "Read the audit log, oldest first, after a sequence number",
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.array(auditRow) },
      },
    },
    async (req) => {
      authorize(staffOf(req).user, "audit", "read");
      const rows = await ctx.db.select().from(auditLog).where(gt(auditLog.seq, req.query.after)).orderBy(asc(auditLog.seq)).limit(req.query.limit);
      return rows.map((r) => ({ seq: r.seq, at: new Date(r.at).toISOString(), actorId: r.actorId, action: r.action, subjectType: r.subjectType, subjectId: r.subjectId, details: r.details }));
    },
  );

  app.get(
    "/api/audit/verify",
    { schema: { tags: ["audit"], summary: "Check the audit chain", response: { 200: z.object({ ok: z.boolean(), rows: z.number(), problem: z.string().nullable() }) } } },
    async (req) => {
      authorize(staffOf(req).user, "audit", "verify");
      const r = await verifyAuditChain(ctx.db, ctx.keys.subkey("audit"));
      return { ok: r.problem === null, rows: r.rows, problem: r.problem ? describeAuditProblem(r.problem) : null };
    },
  );
}
