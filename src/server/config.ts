import path from "node:path";
import { z } from "zod";

/**
 * Every setting, read once from flags and the environment, validated, documented in the README.
 * A flag wins over its environment variable.
 */
const configSchema = z.object({
  env: z.enum(["development", "production", "test"]).default("development"),
  host: z.string().min(1).default("127.0.0.1"),
  // ---- authsec: listeners, key file, first-admin link (issue 10, items 4, 11, 14)
  /** The staff listener's own address: publishing the applicant site (HOST=0.0.0.0) must not publish login and setup. */
  staffHost: z.string().min(1).default("127.0.0.1"),
  /** Where `serve` writes the first administrator's one-time link instead of stdout (mode 0600). */
  setupLinkFile: z.string().min(1).optional(),
  // ---- end authsec
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
  // Channels (src/server/channels). A channel is on when its credentials are set.
  /** Telegram bot token from BotFather. Only ever sent to the Bot API; never in a URL we serve, never logged. */
  telegramBotToken: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "not a bot token").optional(),
  /** The secret_token given to setWebhook; Telegram sends it in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -). */
  telegramWebhookSecret: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters A-Z a-z 0-9 _ -").optional(),
  telegramApiBase: z.string().url().default("https://api.telegram.org").transform((u) => u.replace(/\/+$/, "")),
  /** Public HTTPS URL of POST /channels/telegram, for `telegram set-webhook`. */
  telegramWebhookUrl: z.string().url().optional(),
  /** WhatsApp Cloud API: the app secret signs webhooks (X-Hub-Signature-256); the verify token answers the GET handshake. */
  whatsappAppSecret: z.string().min(16).optional(),
  whatsappVerifyToken: z.string().min(16).optional(),
  whatsappAccessToken: z.string().min(16).optional(),
  whatsappApiBase: z.string().url().default("https://graph.facebook.com/v21.0").transform((u) => u.replace(/\/+$/, "")),
  /** Outbox worker: how often it looks for due deliveries, and how many attempts before a reply is marked failed. */
  channelPollMs: z.coerce.number().int().min(50).max(60_000).default(1000),
  channelMaxAttempts: z.coerce.number().int().min(1).max(100).default(25),
  /** Bearer token Prometheus must send for GET /metrics on the staff listener; unset = no token asked (the listener is loopback by default). */
  metricsToken: z.string().min(16).optional(),
  /** Longest a staff search may run (PostgreSQL statement_timeout; a deadline between its steps on PGlite), then 503 (issue 17). */
  staffQueryTimeoutMs: z.coerce.number().int().min(1).max(60_000).default(2000),
  /** The rewards report shows a cell (equipment type × month) of fewer claims than this only as "fewer than": one rare machine in a month is one man. */
  rewardsReportMinCell: z.coerce.number().int().min(2).max(1000).default(5),
});

export type Config = z.infer<typeof configSchema> & {
  publicClients: PublicClients;
  dbDir: string;
  keyFile: string;
  staffUrl: string;
  secureCookies: boolean;
  /** SAFE_PASSAGE_ENV (or NODE_ENV) was set: a start that only defaults to development may not listen beyond loopback. */
  envExplicit: boolean;
};

export type ConfigFlags = Partial<{
  host: string;
  staffHost: string;
  setupLinkFile: string;
  port: string | number;
  staffPort: string | number;
  dataDir: string;
  databaseUrl: string;
  keyFile: string;
  logLevel: string;
}>;

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const envName = env.SAFE_PASSAGE_ENV || (env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : undefined);
  const parsed = configSchema.safeParse({
    env: envName,
    host: flags.host ?? env.HOST,
    staffHost: flags.staffHost ?? env.STAFF_HOST,
    setupLinkFile: flags.setupLinkFile ?? (env.SAFE_PASSAGE_SETUP_LINK_FILE || undefined),
    port: flags.port ?? env.PORT,
    staffPort: flags.staffPort ?? env.STAFF_PORT,
    dataDir: flags.dataDir ?? env.SAFE_PASSAGE_DATA,
    databaseUrl: flags.databaseUrl ?? (env.DATABASE_URL || undefined),
    keyFile: flags.keyFile ?? env.SAFE_PASSAGE_KEY_FILE,
    staffUrl: env.STAFF_URL,
    logLevel: flags.logLevel ?? env.LOG_LEVEL,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: env.SESSION_ABSOLUTE_HOURS,
    telegramBotToken: env.TELEGRAM_BOT_TOKEN || undefined,
    telegramWebhookSecret: env.TELEGRAM_WEBHOOK_SECRET || undefined,
    telegramApiBase: env.TELEGRAM_API_BASE || undefined,
    telegramWebhookUrl: env.TELEGRAM_WEBHOOK_URL || undefined,
    whatsappAppSecret: env.WHATSAPP_APP_SECRET || undefined,
    whatsappVerifyToken: env.WHATSAPP_VERIFY_TOKEN || undefined,
    whatsappAccessToken: env.WHATSAPP_ACCESS_TOKEN || undefined,
    whatsappApiBase: env.WHATSAPP_API_BASE || undefined,
    channelPollMs: env.CHANNEL_POLL_MS,
    channelMaxAttempts: env.CHANNEL_MAX_ATTEMPTS,
    metricsToken: env.METRICS_TOKEN || undefined,
    staffQueryTimeoutMs: env.STAFF_QUERY_TIMEOUT_MS || undefined,
    rewardsReportMinCell: env.REWARDS_REPORT_MIN_CELL || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  // A bot without a webhook secret would accept forged updates; a WhatsApp hook without the app secret, forged messages.
  if (c.telegramBotToken && !c.telegramWebhookSecret) throw new Error("invalid configuration: TELEGRAM_BOT_TOKEN needs TELEGRAM_WEBHOOK_SECRET");
  if (c.whatsappAccessToken && !(c.whatsappAppSecret && c.whatsappVerifyToken)) throw new Error("invalid configuration: WHATSAPP_ACCESS_TOKEN needs WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN");
  const dataDir = path.resolve(c.dataDir);
  return {
    ...c,
    publicClients: parsePublicTrustProxy(env.PUBLIC_TRUST_PROXY),
    dataDir,
    dbDir: path.join(dataDir, "db"),
    keyFile: path.resolve(c.keyFile ?? path.join(dataDir, "server.key")),
    staffUrl: (c.staffUrl ?? `http://${c.staffHost}:${c.staffPort}`).replace(/\/$/, ""),
    ...(c.setupLinkFile ? { setupLinkFile: path.resolve(c.setupLinkFile) } : {}),
    secureCookies: c.env !== "development",
    envExplicit: envName !== undefined,
  };
}

// ---- Public listener behind a proxy or an onion service (intake security; README "Behind a proxy") ----

/**
 * How the public listener tells its clients apart, from PUBLIC_TRUST_PROXY:
 * - unset or "none": browsers connect to it directly, the peer address is the client's;
 * - "onion": behind a Tor onion service (or any front that hides who connects): every client
 *   arrives from the same address, so nothing is keyed on it;
 * - a comma-separated list of addresses or CIDR ranges: the reverse proxies whose
 *   X-Forwarded-For (and X-Forwarded-Host) are believed; the client is the nearest address not
 *   in the list. Anyone else's X-Forwarded-For is ignored.
 * The staff listener never trusts forwarded headers.
 */
export interface PublicClients {
  /** Fastify's trustProxy for the public listener. */
  trustProxy: false | string[];
  /** True when addresses identify clients; false behind an onion service. */
  addressesIdentify: boolean;
}

const proxyEntry = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

export function parsePublicTrustProxy(value: string | undefined): PublicClients {
  const text = (value ?? "").trim().toLowerCase();
  if (text === "" || text === "none") return { trustProxy: false, addressesIdentify: true };
  if (text === "onion") return { trustProxy: false, addressesIdentify: false };
  const entries = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((e) => !proxyEntry.safeParse(e).success);
  if (bad.length || entries.length === 0) throw new Error(`invalid configuration: PUBLIC_TRUST_PROXY must be "none", "onion" or a list of addresses or CIDR ranges (not ${bad.join(", ") || "empty"})`);
  return { trustProxy: entries, addressesIdentify: true };
}
