import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { KeyPair } from "../crypto/box.js";
import { archiveDecryptor, archivePrefixLength } from "../crypto/archive.js";
import { verifyAuditChain } from "../audit/log.js";
import { readFrames, type Frame } from "./records.js";
import { archiveChecksum, keyFingerprint } from "./archive.js";
import { attachmentsDir } from "../cases/index.js";
import { latestMigration, quoteIdent, tablesInOrder } from "./tables.js";
import { rowsOf } from "../db/index.js";

export class ArchiveError extends Error {}

function readPrefix(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(1100);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const len = archivePrefixLength(head.subarray(0, n));
    if (len === null) throw new ArchiveError(`${file} is not a Safe Passage backup archive`);
    return Buffer.from(head.subarray(0, len));
  } finally {
    fs.closeSync(fd);
  }
}

/** The archive's frames, decrypted and authenticated chunk by chunk (a cut or altered file fails). */
async function* framesOf(file: string, recipient: KeyPair) {
  const prefix = readPrefix(file);
  let decrypt;
  try {
    decrypt = archiveDecryptor(prefix, recipient);
  } catch {
    throw new ArchiveError("the archive does not open with this backup key");
  }
  const source = fs.createReadStream(file, { start: prefix.length });
  source.on("error", (e) => decrypt.destroy(e));
  source.pipe(decrypt);
  try {
    yield* readFrames(decrypt);
  } catch (err) {
    throw new ArchiveError(`the archive is damaged or incomplete: ${(err as Error).message}`);
  }
}

/**
 * Checks an archive without restoring it: the checksum beside it (if any), then, with the backup
 * key, every chunk's authentication and that each table's and the files' counts match the end record.
 */
export async function verifyArchive(file: string, recipient: KeyPair | null) {
  const sumFile = `${file}.sha256`;
  const checksum = await archiveChecksum(file);
  const recorded = fs.existsSync(sumFile) ? fs.readFileSync(sumFile, "utf8").split(/\s+/)[0] : null;
  if (recorded && recorded !== checksum) throw new ArchiveError(`checksum mismatch: the archive is not the one written (${sumFile})`);
  if (!recipient) return { checksum, checksumMatches: recorded !== null, contents: null };
  const seen: Record<string, number> = {};
  let files = 0;
  let manifest: Extract<Frame, { t: "manifest" }> | null = null;
  let end: Extract<Frame, { t: "end" }> | null = null;
  for await (const { header, body } of framesOf(file, recipient)) {
    if (header.t === "manifest") manifest = header;
    else if (header.t === "rows") {
      if ((JSON.parse(body.toString("utf8")) as unknown[]).length !== header.n) throw new ArchiveError(`a batch of ${header.table} has the wrong number of rows`);
      seen[header.table] = (seen[header.table] ?? 0) + header.n;
    } else if (header.t === "file") {
      if (body.length !== header.size) throw new ArchiveError(`attachment ${header.name} has the wrong size`);
      files++;
    } else end = header;
  }
  if (!manifest || !end) throw new ArchiveError("the archive has no manifest or no end record");
  for (const [t, n] of Object.entries(end.rows)) if ((seen[t] ?? 0) !== n) throw new ArchiveError(`table ${t}: ${seen[t] ?? 0} rows read, ${n} written`);
  if (files !== end.files) throw new ArchiveError(`${files} attachments read, ${end.files} written`);
  return { checksum, checksumMatches: recorded !== null, contents: { manifest, rows: end.rows, files } };
}

/**
 * Restore an archive into an empty store of either kind (made by `openContext` with migrations
 * applied but nothing else). The key file must be the one the archive was made with: without it
 * the audit chain, TOTP seeds and blind indexes would not verify. Rows go in parent-first order,
 * identities keep their values, and the audit chain is verified at the end.
 */
export async function restoreArchive(ctx: AppContext, file: string, recipient: KeyPair, onProgress: (rows: number, files: number) => void = () => {}) {
  const tables = await tablesInOrder(ctx.db);
  // Empty: no staff and no cases. What migrations seed (canned replies, settings) gives way to the archive's rows.
  for (const t of ["users", "cases"]) {
    const [{ n } = { n: 0 }] = await rowsOf<{ n: number }>(ctx.db, sql.raw(`SELECT count(*)::int AS n FROM ${quoteIdent(t)}`));
    if (n > 0) throw new ArchiveError(`the target store is not empty (table ${t} has rows): restore goes into a new store only`);
  }
  const dir = attachmentsDir(ctx);
  if (fs.readdirSync(dir).some((n) => !n.startsWith("."))) throw new ArchiveError(`the target's attachments folder ${dir} is not empty`);
  let rows = 0;
  let files = 0;
  const written: string[] = [];
  try {
  await ctx.db.transaction(async (tx) => {
    let manifestSeen = false;
    for await (const { header, body } of framesOf(file, recipient)) {
      if (header.t === "manifest") {
        if (header.keyFingerprint !== keyFingerprint(ctx)) throw new ArchiveError("this store's key file is not the one the archive was made with: restore needs that key file (its audit chain, TOTP seeds and indexes depend on it)");
        if (header.migration !== latestMigration()) throw new ArchiveError(`the archive's schema is ${header.migration}, this version's is ${latestMigration()}: restore with the version that made it, then upgrade`);
        // Rows the fresh start wrote (its own audit marker and head) give way to the archive's.
        await tx.execute(sql.raw(`ALTER TABLE audit_log DISABLE TRIGGER USER`));
        await tx.execute(sql.raw(`DELETE FROM audit_log`));
        await tx.execute(sql.raw(`ALTER TABLE audit_log ENABLE TRIGGER USER`));
        for (const t of [...tables].reverse()) if (t !== "audit_log") await tx.execute(sql.raw(`DELETE FROM ${quoteIdent(t)}`));
        manifestSeen = true;
      } else if (!manifestSeen) throw new ArchiveError("the archive does not start with its manifest");
      else if (header.t === "rows") {
        const t = quoteIdent(header.table);
        await tx.execute(sql`INSERT INTO ${sql.raw(t)} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::${sql.raw(t)}, ${body.toString("utf8")}::json)`);
        rows += header.n;
        onProgress(rows, files);
      } else if (header.t === "file") {
        if (!/^[A-Za-z0-9._-]+$/.test(header.name) || header.name.startsWith(".")) throw new ArchiveError(`unexpected attachment name in the archive`);
        fs.writeFileSync(path.join(dir, header.name), body, { mode: 0o600, flag: "wx" });
        written.push(path.join(dir, header.name));
        files++;
        onProgress(rows, files);
      }
    }
    // Identity columns go on after the restored values.
    const identities = await rowsOf<{ t: string; c: string }>(tx, sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`);
    for (const { t, c } of identities) {
      await tx.execute(sql.raw(`SELECT setval(pg_get_serial_sequence('${quoteIdent(t)}', '${c.replace(/[^a-z0-9_]/g, "")}'), GREATEST(COALESCE((SELECT max(${quoteIdent(c)}) FROM ${quoteIdent(t)}), 0), 1))`));
    }
  });
  } catch (err) {
    // The rows rolled back with the transaction; the files it wrote go too.
    for (const f of written) fs.rmSync(f, { force: true });
    throw err;
  }
  const chain = await verifyAuditChain(ctx.db, ctx.keys.subkey("audit"));
  if (chain.problem) throw new ArchiveError("the restored audit chain does not verify");
  return { rows, files, auditRows: chain.rows };
}
