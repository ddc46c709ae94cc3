import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import { firstAdminOverHttp, postAsStaff as post, startServerProcess } from "../support/server-process.js";
import { freshPostgresDatabase, onPostgres } from "../support/store.js";
import { openDatabase } from "../../src/server/db/index.js";
import { setupTokens } from "../../src/server/db/schema.js";
import { verifyAuditChain } from "../../src/server/audit/log.js";
import { loadOrCreateServerKey } from "../../src/server/crypto/server-key.js";

const ROUNDS = Number(process.env.SIGKILL_ROUNDS ?? 20);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-kill-"));
let pg: { url: string; drop: () => Promise<void> } | null = null;
afterAll(async () => {
  await pg?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/**
 * On both stores: the embedded one (whose fsync path Safe Passage patches, db/durable-fs.ts) and
 * PostgreSQL (where the server process dies and the database lives on: what it acknowledged must
 * have been committed, not merely sent).
 */
describe(`SIGKILL during a stream of acknowledged writes (${onPostgres() ? "PostgreSQL" : "embedded"})`, () => {
  it(`loses no acknowledged row over ${ROUNDS} kills`, { timeout: ROUNDS * 30_000 }, async () => {
    let session: { cookie: string; csrf: string } | null = null;
    const acknowledged: string[] = [];
    let totalAcked = 0;
    if (onPostgres()) pg = await freshPostgresDatabase();
    const env: Record<string, string> = { SAFE_PASSAGE_DATA: dataDir, SAFE_PASSAGE_ENV: "development", ...(pg ? { DATABASE_URL: pg.url } : {}) };
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServerProcess(env);
      session ??= await firstAdminOverHttp(server);
      // Four writers in parallel; a write counts only once its 201 has arrived.
      let killed = false;
      const writer = async () => {
        while (!killed) {
          try {
            const r = await post(server, "/api/staff/invitations", session, { role: "operator" });
            if (r.status === 201) acknowledged.push(((await r.json()) as { id: string }).id);
            else if (!killed) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
          } catch (err) {
            if (!killed) throw err;
          }
        }
      };
      const writers = Array.from({ length: 4 }, writer);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
      killed = true;
      server.child.kill("SIGKILL");
      await server.exited;
      await Promise.allSettled(writers);

      // Reopen the directory directly (this also recovers the stale lock) and look for every row.
      const db = await openDatabase({ dbDir: path.join(dataDir, "db"), ...(pg ? { databaseUrl: pg.url } : {}) });
      try {
        const found = new Set<string>();
        for (let i = 0; i < acknowledged.length; i += 500) {
          const rows = await db.db.select({ id: setupTokens.id }).from(setupTokens).where(inArray(setupTokens.id, acknowledged.slice(i, i + 500)));
          for (const r of rows) found.add(r.id);
        }
        const lost = acknowledged.filter((id) => !found.has(id));
        expect(lost, `round ${round}: acknowledged but lost`).toEqual([]);
        const chain = await verifyAuditChain(db.db, loadOrCreateServerKey(path.join(dataDir, "server.key")).subkey("audit"));
        expect(chain.problem, `round ${round}: audit chain after crash`).toBeNull();
      } finally {
        await db.close();
      }
      totalAcked = acknowledged.length;
    }
    expect(totalAcked).toBeGreaterThan(ROUNDS); // the stream really wrote during the rounds
  });
});
