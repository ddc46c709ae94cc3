import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { authorize } from "../auth/policy.js";
import { staffOf } from "../auth/guard.js";
import { appendAudit } from "../audit/log.js";
import { listAttachments, MAX_ATTACHMENT_BYTES, openAttachment, storeAttachment } from "./attachments.js";
import { withCaseKey } from "./thread.js";
import { caseKeyring } from "./case-cipher.js";
import { notifyCase } from "./events.js";

const idParams = z.object({ id: z.string().uuid() });

/** Attachments: uploaded as a raw stream, encrypted as it arrives; downloaded only as a sandboxed file. */
export function registerAttachmentRoutes(app: BaseApp, ctx: AppContext) {
  // Uploads arrive as a raw stream and are encrypted as they arrive (never buffered whole).
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

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
        await ctx.db.transaction(async (tx) => {
          await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: session.user.id, action: "case.attachment_added", subjectType: "case", subjectId: req.params.id, details: { attachment: r.id } });
          await notifyCase(tx, "case.updated", req.params.id);
        });
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
