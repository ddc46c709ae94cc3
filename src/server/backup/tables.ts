import { sql } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/index.js";
import { MIGRATIONS_DIR, rowsOf } from "../db/index.js";

type Exec = Pick<Db, "execute">;


/**
 * The project's tables (schema public), parents before children by their foreign keys, so rows
 * restore in an order every constraint accepts. pg-boss keeps its own schema: jobs are not
 * backed up (schedules are recreated at start; a job in flight runs again).
 */
export async function tablesInOrder(db: Exec): Promise<string[]> {
  const tables = (await rowsOf<{ name: string }>(db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).map((t) => t.name);
  const edges = await rowsOf<{ child: string; parent: string }>(
    db,
    sql`SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
        JOIN pg_namespace n ON n.oid = k.connamespace WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: string[]) => {
    if (seen.has(t)) return;
    if (path.includes(t)) throw new Error(`foreign keys form a circle through ${t}`);
    for (const e of edges) if (e.child === t && e.parent !== t) visit(e.parent, [...path, t]);
    seen.add(t);
    out.push(t);
  };
  for (const t of tables) visit(t, []);
  return out;
}

/** The newest migration this version knows (the schema an archive's rows fit). */
export function latestMigration(): string {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
  return journal.entries.at(-1)?.tag ?? "none";
}

export const quoteIdent = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected table name ${name}`);
  return `"${name}"`;
};
