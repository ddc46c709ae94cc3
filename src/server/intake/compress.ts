import zlib from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Compression for the public pages that hold nothing personal (home, form, instructions, the
 * code form, error pages). Pages that show a receipt code or a conversation are sent as they
 * are: a secret and attacker-chosen text compressed together is what BREACH-style attacks
 * measure, and those pages are small anyway.
 */
export type Encoding = "br" | "gzip";

/** Brotli if the client takes it, else gzip, else none (q=0 means "not this one"). */
export function negotiateEncoding(header: string | string[] | undefined): Encoding | null {
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  const accepted = new Set<string>();
  for (const part of text.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((x) => x.trim()).find((x) => x.startsWith("q="));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("*")) return "gzip";
  return null;
}

export function compress(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === "br") {
    return zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
  }
  return zlib.gzipSync(body, { level: 9 });
}

/**
 * Sends a text body compressed when the client takes it (Vary says the answer depends on that).
 * Only for bodies that hold nothing secret: see the note at the top.
 */
export function sendCompressed(req: FastifyRequest, reply: FastifyReply, body: string): FastifyReply {
  void reply.header("Vary", "Accept-Encoding");
  const encoding = negotiateEncoding(req.headers["accept-encoding"]);
  if (!encoding) return reply.send(Buffer.from(body, "utf8"));
  return reply.header("Content-Encoding", encoding).send(compress(Buffer.from(body, "utf8"), encoding));
}
