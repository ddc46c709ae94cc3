import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/server/config.js";
import { openContext } from "../../src/server/services.js";

const TEMPLATE_VAR = "SP_TEST_PGLITE_TEMPLATE";

/**
 * Vitest global set-up of the unit and e2e projects: one empty, migrated embedded cluster, laid out
 * once per run by the code under test, which the tests' stores copy instead of laying out their
 * own (copyEmptyCluster: freshContext, and the e2e servers, demo loads and imports). A new
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
  process.env[TEMPLATE_VAR] = ctx.config.dbDir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Puts a copy of the run's empty cluster at `dbDir` (a store's config.dbDir): whoever opens the
 * store next finds it empty, as on a first start. Without the set-up above (a project that does
 * not run it) it does nothing, and the store is laid out from nothing as before.
 */
export function copyEmptyCluster(dbDir: string): void {
  const template = process.env[TEMPLATE_VAR];
  if (template) fs.cpSync(template, dbDir, { recursive: true });
}
