import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/server/config.js";
import { openContext } from "../../src/server/services.js";

/**
 * Vitest global set-up of the unit and e2e projects: one empty, migrated embedded cluster, laid out once
 * per run by the code under test, which freshContext copies instead of laying out its own. A new
 * PGlite cluster (initdb in WebAssembly, then every migration) took 9.7 s here against 1.9 s for a
 * copy and a reopen, and the suite opens a few hundred: that was most of the CI's hour. The
 * template is made afresh by every run, so it is never older than the code. It holds no key file:
 * each copy makes its own, as a new store does.
 */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-template-"));
  const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
  await ctx.database.close();
  // Where the store keeps its cluster and key file is the config's to say, not this file's.
  fs.rmSync(ctx.config.keyFile);
  process.env.SP_TEST_PGLITE_TEMPLATE = ctx.config.dbDir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
