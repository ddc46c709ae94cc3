import { and, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { authorize } from "../auth/policy.js";
import { staffOf } from "../auth/guard.js";
import { cases } from "../db/schema.js";
import { CASE_STATES, CHANNELS, TEAMS } from "../../shared/case-states.js";
import { caseScope } from "./access.js";
import { addStaffMessage, openCase } from "./thread.js";
import { assignCase, transitionCase } from "./lifecycle.js";
import { caseDetailSchema, caseSummarySchema, presentCaseDetail, presentCaseSummary } from "./present.js";
import { listAttachments, MAX_ATTACHMENT_BYTES, openAttachment, storeAttachment } from "./attachments.js";
import { withCaseKey } from "./thread.js";
import { caseKeyring } from "./case-cipher.js";
import { appendAudit } from "../audit/log.js";

const idParams = z.object({ id: z.string().uuid() });
const textBody = z.object({ text: z.string().trim().min(1).max(10_000) });

export function registerCaseRoutes(app: BaseApp, ctx: AppContext) {
  // Uploads arrive as a raw stream and are encrypted as they arrive (never buffered whole).
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  app.get(
    "/api/cases",
    {
      schema: {
        tags: ["cases"],
        summary: "The inbox: cases in your scope, newest activity first",
        querystring: z.object({
          state: z.enum(CASE_STATES).optional(),
          channel: z.enum(CHANNELS).optional(),
          team: z.enum(TEAMS).optional(),
          assigned: z.enum(["me", "none", "any"]).default("any"),
          before: z.string().datetime().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.array(caseSummarySchema) },
      },
    },
    async (req) => {
      const me = staffOf(req).user;
      authorize(me, "case", "list");
      const q = req.query;
      const where: (SQL | undefined)[] = [caseScope(me)];
      if (q.state) where.push(eq(cases.state, q.state));
      if (q.channel) where.push(eq(cases.channel, q.channel));
      if (q.team) where.push(eq(cases.teamId, q.team));
      if (q.assigned === "me") where.push(eq(cases.assignedUserId, me.id));
      if (q.assigned === "none") where.push(isNull(cases.assignedUserId));
      if (q.before) where.push(lt(cases.updatedAt, new Date(q.before)));
      const rows = await ctx.db.select().from(cases).where(and(...where)).orderBy(desc(cases.updatedAt)).limit(q.limit);
      return rows.map(presentCaseSummary);
    },
  );

  app.get("/api/cases/:id", { schema: { tags: ["cases"], summary: "Open a case (audited)", params: idParams, response: { 200: caseDetailSchema } } }, async (req) =>
    presentCaseDetail(await openCase(ctx, staffOf(req), req.params.id)),
  );

  app.post(
    "/api/cases/:id/replies",
    { schema: { tags: ["cases"], summary: "Reply to the applicant on his channel", params: idParams, body: textBody, response: { 201: z.object({ id: z.string(), createdAt: z.string() }) } } },
    async (req, reply) => {
      const r = await addStaffMessage(ctx, staffOf(req), req.params.id, "reply", req.body.text);
      return reply.status(201).send({ id: r.id, createdAt: r.createdAt.toISOString() });
    },
  );

  app.post(
    "/api/cases/:id/notes",
    { schema: { tags: ["cases"], summary: "Add an internal note (never shown to the applicant)", params: idParams, body: textBody, response: { 201: z.object({ id: z.string(), createdAt: z.string() }) } } },
    async (req, reply) => {
      const r = await addStaffMessage(ctx, staffOf(req), req.params.id, "note", req.body.text);
      return reply.status(201).send({ id: r.id, createdAt: r.createdAt.toISOString() });
    },
  );

  app.post(
    "/api/cases/:id/transition",
    {
      schema: {
        tags: ["cases"],
        summary: "Move a case to another state, with a reason",
        params: idParams,
        body: z.object({ to: z.enum(CASE_STATES), reason: z.string().trim().min(1).max(2000) }),
        response: { 200: z.object({ from: z.string(), to: z.string() }) },
      },
    },
    async (req) => transitionCase(ctx, staffOf(req), req.params.id, req.body.to, req.body.reason),
  );

  app.post(
    "/api/cases/:id/assign",
    {
      schema: {
        tags: ["cases"],
        summary: "Assign to a person (or nobody) and/or hand over to a team",
        params: idParams,
        body: z.object({ userId: z.string().uuid().nullable().optional(), teamId: z.enum(TEAMS).optional() }),
      },
    },
    async (req, reply) => {
      await assignCase(ctx, staffOf(req), req.params.id, { ...(req.body.userId !== undefined ? { userId: req.body.userId } : {}), ...(req.body.teamId ? { teamId: req.body.teamId } : {}) });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/cases/:id/attachments",
    {
      bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: {
        tags: ["cases"],
        summary: "Attach a file (raw body, application/octet-stream; name in X-File-Name, URL-encoded)",
        params: idParams,
        headers: z.object({ "x-file-name": z.string().max(600).optional(), "x-file-type": z.string().max(100).optional() }),
        response: { 201: z.object({ id: z.string(), size: z.number() }) },
      },
    },
    async (req, reply) => {
      const session = staffOf(req);
      authorize(session.user, "case", "note");
      const name = safeDecode(req.headers["x-file-name"] ?? "file").slice(0, 255);
      const type = /^[\w.+-]+\/[\w.+-]+$/.test(req.headers["x-file-type"] ?? "") ? req.headers["x-file-type"]! : "application/octet-stream";
      const stored = await withCaseKey(ctx, session, req.params.id, async (caseKey) => {
        const r = await storeAttachment(ctx, null, { key: caseKey, sealedKey: null }, req.params.id, req.body as NodeJS.ReadableStream as never, { name, type });
        await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "case.attachment_added", subjectType: "case", subjectId: req.params.id, details: { attachment: r.id } }));
        return r;
      });
      return reply.status(201).send(stored);
    },
  );

  app.get(
    "/api/cases/:id/attachments",
    {
      schema: {
        tags: ["cases"],
        summary: "List a case's attachments",
        params: idParams,
        response: { 200: z.array(z.object({ id: z.string(), messageId: z.string().nullable(), size: z.number(), name: z.string(), type: z.string(), createdAt: z.string() })) },
      },
    },
    async (req) => {
      const session = staffOf(req);
      authorize(session.user, "case", "read");
      const list = await withCaseKey(ctx, session, req.params.id, async (caseKey, row) => {
        const keyring = await caseKeyring(ctx.db, row.id, caseKey, row.publicKey);
        try {
          return await listAttachments(ctx, keyring, req.params.id);
        } finally {
          keyring.close();
        }
      });
      return list.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }));
    },
  );

  app.get(
    "/api/cases/:id/attachments/:attachmentId",
    { schema: { tags: ["cases"], summary: "Download an attachment (always as a download, sandboxed; audited)", params: idParams.extend({ attachmentId: z.string().uuid() }) } },
    async (req, reply) => {
      const session = staffOf(req);
      authorize(session.user, "case", "read");
      // The file stream outlives the case key: only the file key, opened here, goes with it.
      const file = await withCaseKey(ctx, session, req.params.id, async (caseKey, row) => {
        const keyring = await caseKeyring(ctx.db, row.id, caseKey, row.publicKey);
        try {
          return await openAttachment(ctx, keyring, req.params.id, req.params.attachmentId);
        } finally {
          keyring.close();
        }
      });
      await ctx.db.transaction((tx) =>
        appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "case.attachment_opened", subjectType: "case", subjectId: req.params.id, details: { attachment: req.params.attachmentId } }),
      );
      // Never rendered by the console's origin: a download, in a sandbox, with no sniffing.
      return reply
        .header("Content-Type", "application/octet-stream")
        .header("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.meta.name)}`)
        .header("Content-Security-Policy", "sandbox; default-src 'none'")
        .header("Content-Length", String(file.size))
        .send(file.stream);
    },
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return "file";
  }
}
