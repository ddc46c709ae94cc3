import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../context.js";
import { appendAudit } from "../audit/log.js";
import { attachmentsDir } from "../cases/index.js";

/**
 * A backup: the database copy plus the attachments folder, both as stored (ciphertext). The
 * server key file is NOT included: keep it apart, or the backup becomes readable.
 */
export async function backup(ctx: AppContext, outDir: string) {
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  if (fs.readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty`);
  const dbFile = await ctx.database.backupTo(outDir);
  const attachments = attachmentsDir(ctx);
  fs.cpSync(attachments, path.join(outDir, "attachments"), { recursive: true, filter: (src) => !path.basename(src).startsWith(".") });
  const files = fs.readdirSync(attachments).length;
  await ctx.db.transaction((tx) => appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "store.backup", details: { attachments: files } }));
  return { dbFile, attachments: files };
}
