import { Readable } from "node:stream";
import { z } from "zod";
import { AppError } from "../errors.js";
import type { BaseApp } from "../http/base.js";
import { sendAsDownload } from "../http/download.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { attachFile, listCaseAttachments, MAX_ATTACHMENT_BYTES, openCaseAttachment } from "./attachments.js";

const idParams = z.object({ id: z.string().uuid() });

/** Attachments: uploaded as a raw stream, encrypted as it arrives; downloaded only as a sandboxed file. */
export function registerAttachmentRoutes(app: BaseApp, ctx: AppContext) {
  // Uploads arrive as a raw stream and are encrypted as they arrive (never buffered whole).
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  app.post(
    "/api/cases/:id/attachments",
    {
      config: { grant: needs("case", "note") }, bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: {
        tags: ["cases"],
        summary: "Attach a file (raw body, application/octet-stream; name in X-File-Name, URL-encoded)",
        params: idParams,
        headers: z.object({ "x-file-name": z.string().max(600).optional(), "x-file-type": z.string().max(100).optional() }),
        response: { 201: z.object({ id: z.string(), size: z.number() }) },
      },
    },
    async (req, reply) => {
      // Only the octet-stream parser above hands over a stream; a JSON or form body (parsed into
      // an object) once reached the encrypting pipeline and failed there with a 500.
      if (!(req.body instanceof Readable)) throw new AppError("unsupported_media_type", "send the file itself as application/octet-stream");
      const name = safeDecode(req.headers["x-file-name"] ?? "file").slice(0, 255);
      const type = /^[\w.+-]+\/[\w.+-]+$/.test(req.headers["x-file-type"] ?? "") ? req.headers["x-file-type"]! : "application/octet-stream";
      return reply.status(201).send(await attachFile(ctx, staffOf(req), req.params.id, req.body as NodeJS.ReadableStream as never, { name, type }));
    },
  );

  app.get(
    "/api/cases/:id/attachments",
    {
      config: { grant: needs("case", "read") }, schema: {
        tags: ["cases"],
        summary: "List a case's attachments (audited)",
        params: idParams,
        response: { 200: z.array(z.object({ id: z.string(), messageId: z.string().nullable(), size: z.number(), name: z.string(), type: z.string(), createdAt: z.string() })) },
      },
    },
    async (req) => (await listCaseAttachments(ctx, staffOf(req), req.params.id)).map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
  );

  app.get(
    "/api/cases/:id/attachments/:attachmentId",
    { config: { grant: needs("case", "read") }, schema: { tags: ["cases"], summary: "Download an attachment (always as a download, sandboxed; audited)", params: idParams.extend({ attachmentId: z.string().uuid() }) } },
    async (req, reply) => {
      return sendAsDownload(reply, await openCaseAttachment(ctx, staffOf(req), req.params.id, req.params.attachmentId));
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
