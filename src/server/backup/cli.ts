import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import cliProgress from "cli-progress";
import { withStorage, type WithContext } from "../cli-support.js";
import type { ConfigFlags } from "../config.js";
import { generateBackupRecipient } from "../crypto/archive.js";
import { keyPairFromPrivateKey, PUBLIC_KEY_BYTES, type KeyPair } from "../crypto/box.js";
import { secureCopy, wipe } from "../crypto/secure.js";
import { writeArchive } from "./archive.js";
import { backup as plainCopy } from "./copy.js";
import { ArchiveError, restoreArchive, verifyArchive } from "./restore.js";

/** A progress bar on stderr when a person watches; silent in scripts and logs. */
function progress(label: string) {
  if (!process.stderr.isTTY) return { update: (_n: number, _text: string) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} {value} rows/files {text}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(0, 0, { text: "" });
  return { update: (n: number, text: string) => bar.update(n, { text }), stop: () => bar.stop() };
}

function readPublicKey(file: string): Buffer {
  const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  if (key.length !== PUBLIC_KEY_BYTES) throw new Error(`${file} is not a backup recipient public key (64 hex characters)`);
  return key;
}

function readPrivateKey(file: string): KeyPair {
  const raw = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  try {
    return keyPairFromPrivateKey(secureCopy(raw));
  } finally {
    wipe(raw);
  }
}

const fail = (err: unknown) => {
  if (!(err instanceof ArchiveError)) throw err;
  console.error(`safe-passage: ${err.message}`);
  process.exitCode = 2;
};

/**
 * `backup` (an encrypted archive, sealed to a key kept offline), `backup verify`, `backup keygen`,
 * `backup copy` (the store's own raw copy, for its own tools) and `restore`.
 */
export function registerBackupCommands(program: Command, withContext: WithContext) {
  const backup = program.command("backup").description("encrypted backups: an archive only the offline backup key opens");
  withStorage(backup.command("create", { isDefault: true }).description("write one encrypted archive of the store and its attachments (the key file is never in it)"))
    .requiredOption("--out <file>", "the archive to write (a new file; FILE.sha256 is written beside it)")
    .requiredOption("--recipient <file>", "the backup recipient's public key (from `backup keygen`)")
    .action(async (flags: ConfigFlags & { out: string; recipient: string }) =>
      withContext(flags, async (ctx) => {
        const bar = progress("backup");
        try {
          const r = await writeArchive(ctx, flags.out, readPublicKey(flags.recipient), (p) => bar.update(p.rows + p.files, p.table ?? "attachments"));
          bar.stop();
          const rows = Object.values(r.rows).reduce((a, b) => a + b, 0);
          console.log(`archive written: ${r.file} (${rows} rows, ${r.files} attachment file(s)); sha256 ${r.checksum}`);
          console.log("Copy it off this machine. Keep the server key file apart: a restore needs both it and the backup key.");
        } finally {
          bar.stop();
        }
      }),
    );
  backup
    .command("verify")
    .description("check an archive without restoring it: its checksum, and with --key every chunk and count")
    .argument("<file>", "the archive")
    .option("--key <file>", "the backup private key (offline)")
    .action(async (file: string, flags: { key?: string }) => {
      try {
        const r = await verifyArchive(file, flags.key ? readPrivateKey(flags.key) : null);
        console.log(`checksum ${r.checksum}${r.checksumMatches ? " matches " + path.basename(file) + ".sha256" : " (no .sha256 beside it)"}`);
        if (r.contents) console.log(`contents intact: ${Object.values(r.contents.rows).reduce((a, b) => a + b, 0)} rows in ${Object.keys(r.contents.rows).length} tables, ${r.contents.files} attachment file(s), made ${r.contents.manifest.createdAt} on ${r.contents.manifest.store}`);
        else console.log("give --key to check the contents too");
      } catch (err) {
        fail(err);
      }
    });
  backup
    .command("keygen")
    .description("make the backup recipient key pair: the public key stays on the server, the private key goes offline")
    .requiredOption("--out <dir>", "where to write backup-recipient.pub and backup-recipient.key")
    .action((flags: { out: string }) => {
      fs.mkdirSync(flags.out, { recursive: true, mode: 0o700 });
      const pair = generateBackupRecipient();
      const pub = path.join(flags.out, "backup-recipient.pub");
      const priv = path.join(flags.out, "backup-recipient.key");
      fs.writeFileSync(pub, pair.publicKey.toString("hex") + "\n", { flag: "wx" });
      fs.writeFileSync(priv, pair.privateKey.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
      wipe(pair.privateKey);
      console.log(`${pub}: give this to the server (backup --recipient).`);
      console.log(`${priv}: move this OFF the server now (print it, or keep it on an offline medium); only it opens the archives.`);
    });
  withStorage(backup.command("copy").description("the store's own raw copy (PGlite data directory tar or pg_dump) and the attachments, unencrypted beyond the data's own encryption"))
    .requiredOption("--out <dir>", "an empty or new folder")
    .action(async (flags: ConfigFlags & { out: string }) =>
      withContext(flags, async (ctx) => {
        const r = await plainCopy(ctx, flags.out);
        console.log(`copy written: ${r.dbFile} and ${r.attachments} attachment file(s). Keep the server key file apart from it.`);
      }),
    );

  withStorage(program.command("restore").description("restore an archive into a new, empty store (embedded or PostgreSQL, either way round)"))
    .requiredOption("--from <file>", "the archive")
    .requiredOption("--key <file>", "the backup private key")
    .action(async (flags: ConfigFlags & { from: string; key: string }) => {
      try {
        await withContext(flags, async (ctx) => {
          const bar = progress("restore");
          try {
            const r = await restoreArchive(ctx, flags.from, readPrivateKey(flags.key), (rows, files) => bar.update(rows + files, ""));
            bar.stop();
            console.log(`restored ${r.rows} rows and ${r.files} attachment file(s); audit chain intact (${r.auditRows} rows)`);
          } finally {
            bar.stop();
          }
        });
      } catch (err) {
        fail(err);
      }
    });
}
