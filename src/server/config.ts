import path from "node:path";
import { z } from "zod";

/**
 * Every setting, read once from flags and the environment, validated, documented in the README.
 * A flag wins over its environment variable.
 */
const configSchema = z.object({
  env: z.enum(["development", "production", "test"]).default("development"),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  staffPort: z.coerce.number().int().min(0).max(65535).default(8081),
  dataDir: z.string().min(1).default("./data"),
  databaseUrl: z.string().url().optional(),
  /** Server key file: wraps TOTP secrets, keys the audit chain and blind indexes. Keep it off the database volume. */
  keyFile: z.string().min(1).optional(),
  staffUrl: z.string().url().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  sessionIdleMinutes: z.coerce.number().int().min(1).max(24 * 60).default(30),
  sessionAbsoluteHours: z.coerce.number().int().min(1).max(72).default(12),
});

export type Config = z.infer<typeof configSchema> & {
  dbDir: string;
  keyFile: string;
  staffUrl: string;
  secureCookies: boolean;
};

export type ConfigFlags = Partial<{
  host: string;
  port: string | number;
  staffPort: string | number;
  dataDir: string;
  databaseUrl: string;
  keyFile: string;
  logLevel: string;
}>;

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse({
    env: env.SAFE_PASSAGE_ENV ?? (env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : undefined),
    host: flags.host ?? env.HOST,
    port: flags.port ?? env.PORT,
    staffPort: flags.staffPort ?? env.STAFF_PORT,
    dataDir: flags.dataDir ?? env.SAFE_PASSAGE_DATA,
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    keyFile: flags.keyFile ?? env.SAFE_PASSAGE_KEY_FILE,
    staffUrl: env.STAFF_URL,
    logLevel: flags.logLevel ?? env.LOG_LEVEL,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: env.SESSION_ABSOLUTE_HOURS,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.dataDir);
  return {
    ...c,
    dataDir,
    dbDir: path.join(dataDir, "db"),
    keyFile: path.resolve(c.keyFile ?? path.join(dataDir, "server.key")),
    staffUrl: (c.staffUrl ?? `http://${c.host}:${c.staffPort}`).replace(/\/$/, ""),
    secureCookies: c.env !== "development",
  };
}
