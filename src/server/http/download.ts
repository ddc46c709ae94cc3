import type { Readable } from "node:stream";
import type { FastifyReply } from "fastify";

/**
 * A stored file sent back to staff: always a download, in a sandbox, never rendered by the
 * console's origin (an attachment an applicant sent, a photo of the inspection), whatever its
 * claimed type. One place, so every file route keeps all four headers.
 */
export function sendAsDownload(reply: FastifyReply, file: { meta: { name: string }; size: number; stream: Readable }) {
  return reply
    .header("Content-Type", "application/octet-stream")
    .header("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.meta.name)}`)
    .header("Content-Security-Policy", "sandbox; default-src 'none'")
    .header("Content-Length", String(file.size))
    .send(file.stream);
}
