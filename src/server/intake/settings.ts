import { z } from "zod";
import { defaultPublicArgon2Limit } from "../crypto/argon2-lane.js";

/**
 * Settings of the applicant site, read once from the environment when the routes are built.
 * Kept here rather than in config.ts because nothing else reads them; every variable is listed
 * in the README (INTAKE_*).
 */
const FLOOD_MODES = ["auto", "on", "off"] as const;
export type FloodMode = (typeof FLOOD_MODES)[number];

const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const schema = z.object({
  floodMode: z.enum(FLOOD_MODES).default("auto"),
  /** Auto mode switches on above max(floodMinPerMinute, floodFactor × the usual rate per minute). */
  floodMinPerMinute: count(60),
  floodFactor: z.coerce.number().min(1.5).max(100).default(5),
  /**
   * Proof of work (pow.ts): leading zero bits of Argon2id asked when the switch turns on, and the
   * cap as the flood grows (each bit doubles the client's work), and the memory of each Argon2
   * run. The defaults make an accepted fake request cost native code ten times what it costs the
   * server (bench/pow.bench.ts measures it).
   */
  powBaseBits: z.coerce.number().int().min(1).max(20).default(6),
  powMaxBits: z.coerce.number().int().min(1).max(20).default(12),
  powMemoryKiB: z.coerce.number().int().min(8).max(256 * 1024).default(16 * 1024),
  /** Requests and code checks that may run their Argon2 work at once; more get "busy, try again". */
  maxInFlight: count(16),
  /**
   * Argon2id runs of the applicant side at once, across all its requests (crypto/argon2-lane.ts):
   * by default one core fewer than the machine has, so the staff side keeps a core in a flood.
   */
  argon2Threads: z.coerce.number().int().min(1).max(256).default(defaultPublicArgon2Limit()),
  /**
   * The CPU priority (nice, 0-19) of the threads those runs take (crypto/argon2-pool.ts): higher
   * gives way to the staff side sooner. At 10 a staff thread gets about nine tenths of a core it
   * shares with one of them; when the staff side is idle they run at full speed.
   */
  argon2Nice: z.coerce.number().int().min(0).max(19).default(10),
  /** Per client, per 10 minutes: posts of one form token (request, code check), replies of one session. */
  requestsPerClient: count(10),
  returnsPerClient: count(10),
  repliesPerClient: count(30),
  /**
   * Per address (the anonymous daily-keyed address hash), only where an address tells clients
   * apart (PUBLIC_TRUST_PROXY is not "onion"): posts that passed the proof of work, per 10
   * minutes, and plain pages per minute. High on purpose: a carrier's NAT puts many people behind one.
   */
  postsPerAddress: count(60),
  pagesPerClient: count(120),
  /** All clients together, per minute, counting only posts that passed the proof of work (each costs Argon2 runs). */
  requestsGlobalPerMinute: count(300),
  returnsGlobalPerMinute: count(300),
  /** Where "quick exit" leads: a harmless site (a weather forecast). */
  quickExitUrl: z.string().url().startsWith("https://").default("https://yandex.ru/pogoda/"),
  /** The other channels shown on every page (plain text, never links to other sites). */
  telegram: z.string().min(1).max(64).default("@safe_passage_hotline"),
  whatsapp: z.string().min(1).max(32).default("+380 00 000 00 00"),
  phone: z.string().min(1).max(32).default("+380 00 000 00 00"),
});

export type IntakeSettings = z.infer<typeof schema>;

export function loadIntakeSettings(env: NodeJS.ProcessEnv = process.env): IntakeSettings {
  const parsed = schema.safeParse({
    floodMode: env.INTAKE_FLOOD_MODE || undefined,
    floodMinPerMinute: env.INTAKE_FLOOD_MIN_PER_MINUTE || undefined,
    floodFactor: env.INTAKE_FLOOD_FACTOR || undefined,
    powBaseBits: env.INTAKE_POW_BASE_BITS || undefined,
    powMaxBits: env.INTAKE_POW_MAX_BITS || undefined,
    powMemoryKiB: env.INTAKE_POW_MEMORY_KIB || undefined,
    maxInFlight: env.INTAKE_MAX_IN_FLIGHT || undefined,
    argon2Threads: env.INTAKE_ARGON2_THREADS || undefined,
    argon2Nice: env.INTAKE_ARGON2_NICE || undefined,
    requestsPerClient: env.INTAKE_REQUESTS_PER_CLIENT || undefined,
    returnsPerClient: env.INTAKE_RETURNS_PER_CLIENT || undefined,
    repliesPerClient: env.INTAKE_REPLIES_PER_CLIENT || undefined,
    postsPerAddress: env.INTAKE_POSTS_PER_ADDRESS || undefined,
    pagesPerClient: env.INTAKE_PAGES_PER_CLIENT || undefined,
    requestsGlobalPerMinute: env.INTAKE_REQUESTS_GLOBAL_PER_MINUTE || undefined,
    returnsGlobalPerMinute: env.INTAKE_RETURNS_GLOBAL_PER_MINUTE || undefined,
    quickExitUrl: env.INTAKE_QUICK_EXIT_URL || undefined,
    telegram: env.INTAKE_TELEGRAM || undefined,
    whatsapp: env.INTAKE_WHATSAPP || undefined,
    phone: env.INTAKE_PHONE || undefined,
  });
  if (!parsed.success) {
    throw new Error(`invalid intake configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  if (parsed.data.powMaxBits < parsed.data.powBaseBits) throw new Error("invalid intake configuration: INTAKE_POW_MAX_BITS is below INTAKE_POW_BASE_BITS");
  return parsed.data;
}
