import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { attachmentsDir } from "../cases/index.js";
import { archiveEncryptor } from "../crypto/archive.js";
import { mac } from "../crypto/server-key.js";
import { frame, type Frame } from "./records.js";
import { latestMigration, quoteIdent, tablesInOrder } from "./tables.js";
import { rowsOf } from "../db/index.js";

const BATCH = 500;

/** Names the key file an archive's rows need (a MAC of a constant: says nothing about the key). */
export function keyFingerprint(ctx: Pick<AppContext, "keys">): string {
  return mac(ctx.keys.subkey("audit"), Buffer.from("safe-passage backup key fingerprint v1")).subarray(0, 12).toString("hex");
}


export interface ArchiveProgress {
  table?: string;
  rows: number;
  files: number;
}

/**
 * One encrypted archive of the whole store (issue 16, item 2): every table's rows as of one
 * snapshot (a read-only repeatable-read transaction, read by cursor in batches), then the
 * attachment files as stored. Sealed to the backup recipient's public key: this server can write
 * it and cannot read it. Beside it, FILE.sha256 holds the archive's checksum.
 */
export async function writeArchive(ctx: AppContext, outFile: string, recipientPublicKey: Buffer, onProgress: (p: ArchiveProgress) => void = () => {}) {
  if (fs.existsSync(outFile)) throw new Error(`${outFile} exists already`);
  const { prefix, stream } = archiveEncryptor(recipientPublicKey);
  const plain = new PassThrough({ highWaterMark: 1 << 20 });
  const hash = createHash("sha256").update(prefix);
  const out = fs.createWriteStream(outFile, { mode: 0o600, flags: "wx" });
  out.write(prefix);
  const written = pipeline(plain, stream, async function* (source) {
    for await (const chunk of source) {
      hash.update(chunk as Buffer);
      yield chunk;
    }
  }, out);
  const counts: Record<string, number> = {};
  let files = 0;
  const send = (header: Frame, body?: Buffer) => (plain.write(frame(header, body)) ? Promise.resolve() : new Promise<void>((r) => plain.once("drain", () => r())));
  try {
    await ctx.db.transaction(
      async (tx) => {
        const tables = await tablesInOrder(tx);
        await send({ t: "manifest", version: 1, createdAt: ctx.now().toISOString(), store: ctx.database.kind === "pglite" ? "pglite" : "postgres", keyFingerprint: keyFingerprint(ctx), migration: latestMigration(), tables });
        let total = 0;
        for (const table of tables) {
          counts[table] = 0;
          await tx.execute(sql.raw(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${quoteIdent(table)} t`));
          for (;;) {
            const batch = await rowsOf<{ j: string }>(tx, sql.raw(`FETCH ${BATCH} FROM backup_rows`));
            if (batch.length === 0) break;
            await send({ t: "rows", table, n: batch.length }, Buffer.from(`[${batch.map((b) => b.j).join(",")}]`, "utf8"));
            counts[table] += batch.length;
            total += batch.length;
            onProgress({ table, rows: total, files });
          }
          await tx.execute(sql.raw("CLOSE backup_rows"));
        }
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    const dir = attachmentsDir(ctx);
    for (const name of fs.readdirSync(dir).filter((n) => !n.startsWith(".")).sort()) {
      const body = fs.readFileSync(path.join(dir, name));
      await send({ t: "file", name, size: body.length }, body);
      files++;
      onProgress({ rows: Object.values(counts).reduce((a, b) => a + b, 0), files });
    }
    await send({ t: "end", rows: counts, files });
    plain.end();
    await written;
  } catch (err) {
    plain.destroy(err as Error);
    await written.catch(() => {});
    fs.rmSync(outFile, { force: true });
    throw err;
  }
  const checksum = hash.digest("hex");
  fs.writeFileSync(`${outFile}.sha256`, `${checksum}  ${path.basename(outFile)}\n`, { mode: 0o600 });
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "store.backup", details: { rows: Object.values(counts).reduce((a, b) => a + b, 0), attachments: files, encrypted: true } }));
  return { file: outFile, checksum, rows: counts, files };
}

/** The SHA-256 of an archive file, to compare with its .sha256 (needs no key). */
export async function archiveChecksum(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
