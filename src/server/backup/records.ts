import type { Readable } from "node:stream";

/**
 * The archive's plaintext: a sequence of frames, each a JSON header and a body, both
 * length-prefixed (4 bytes, big-endian). Rows travel as JSON arrays of `row_to_json` objects, so
 * one archive restores into either store; attachment files travel as the ciphertext they are.
 */
export type Frame =
  | { t: "manifest"; version: 1; createdAt: string; store: "pglite" | "postgres"; keyFingerprint: string; migration: string; tables: string[] }
  | { t: "rows"; table: string; n: number }
  | { t: "file"; name: string; size: number }
  | { t: "end"; rows: Record<string, number>; files: number };

const MAX_HEADER = 64 * 1024;

export function frame(header: Frame, body: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.from(JSON.stringify(header), "utf8");
  const a = Buffer.alloc(4);
  a.writeUInt32BE(h.length);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(body.length);
  return Buffer.concat([a, h, b, body]);
}

/**
 * Frames from a plaintext stream, as they complete. Chunks are joined only once a frame's whole
 * length has arrived, so a large attachment costs one copy, not one per chunk. A stream that ends
 * mid-frame is an error.
 */
export async function* readFrames(source: Readable): AsyncGenerator<{ header: Frame; body: Buffer }> {
  let parts: Buffer[] = [];
  let length = 0;
  let want = 8; // header length + (for an empty header) body length
  const join = (): Buffer => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [all];
    return all;
  };
  for await (const chunk of source) {
    parts.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    while (length >= want) {
      const buf = join();
      const hl = buf.readUInt32BE(0);
      if (hl > MAX_HEADER) throw new Error("archive frame header too large: not a backup archive, or damaged");
      if (buf.length < 8 + hl) {
        want = 8 + hl;
        continue;
      }
      const total = 8 + hl + buf.readUInt32BE(4 + hl);
      if (buf.length < total) {
        want = total;
        continue;
      }
      const header = JSON.parse(buf.subarray(4, 4 + hl).toString("utf8")) as Frame;
      const body = Buffer.from(buf.subarray(8 + hl, total));
      const rest = buf.subarray(total);
      parts = rest.length ? [rest] : [];
      length = rest.length;
      want = 8;
      yield { header, body };
    }
  }
  if (length > 0) throw new Error("the archive ends inside a frame");
}
