import PgBoss from "pg-boss";
import type { Database } from "../db/index.js";

/**
 * pg-boss on either store. On PostgreSQL it opens its own pool from the URL; on PGlite it runs
 * through our single embedded connection (PGlite serialises queries and transactions).
 */
export function createBoss(database: Database, databaseUrl?: string): PgBoss {
  const common = { schema: "pgboss", supervise: true, schedule: true, migrate: true } as const;
  if (database.kind === "postgres" && databaseUrl) return new PgBoss({ ...common, connectionString: databaseUrl, max: 4 });
  return new PgBoss({ ...common, db: { executeSql: (text: string, values: unknown[]) => database.executeSql(text, values) } });
}
