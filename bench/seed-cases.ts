/**
 * Synthetic cases for the inbox and search benchmarks, inserted fast with set-based SQL
 * (generate_series): rows carry states, channels, teams and times but no content (the inbox lists
 * none), plus five blind-index rows each so that search has realistic index sizes. A thousand "known"
 * applicants get real blind indexes of made-up names and phone numbers, so the benchmark can
 * search for them through the real route.
 *
 *   npx tsx bench/seed-cases.ts --cases 100000 [--data-dir DIR | --database-url URL]
 * seeds an existing store (migrated, with its first administrator, so the teams exist).
 */
import { eq } from "drizzle-orm";
import type { AppContext } from "../src/server/context.js";
import { blindIndexes, cases } from "../src/server/db/schema.js";
import { blindIndexRows } from "../src/server/cases/intake.js";
import { nameTokenIndexes } from "../src/server/crypto/blind-index.js";
import { FIRST_NAMES, PATRONYMICS, SURNAMES } from "../src/server/demo/texts.js";

export interface KnownApplicant {
  name: string;
  phone: string;
}

/** The identifiers a flood of fakes shares (issue 17): `shared` cases of the intake team carry all of them. */
export const SHARED_APPLICANT = { name: "Флудов Иван Петрович", phone: "+7 900 555 0101", telegram_username: "flood_fake_0101", service_number: "ФЛ-010101" } as const;

const TEAMS = "ARRAY['intake','intake','intake','intake','verification','verification','coordination','coordination','registration','rewards','resettlement']";
const CHANNELS = "ARRAY['telegram','telegram','telegram','telegram','whatsapp','whatsapp','web','web','web','phone']";

/**
 * The state mix of a hotline that has run for a year: most cases long closed or rejected, about
 * one in a hundred waiting for an answer (0.4 % new and unanswered, the rest with an unanswered
 * message from the applicant).
 */
const STATE = `CASE WHEN d < 0.004 THEN 'new' WHEN d < 0.35 THEN 'closed' WHEN d < 0.50 THEN 'rejected' WHEN d < 0.60 THEN 'in_contact'
  WHEN d < 0.70 THEN 'preliminary' WHEN d < 0.77 THEN 'verifying' WHEN d < 0.80 THEN 'verified' WHEN d < 0.88 THEN 'awaiting_deployment'
  WHEN d < 0.90 THEN 'planning' WHEN d < 0.91 THEN 'scheduled' WHEN d < 0.92 THEN 'handed_over' WHEN d < 0.95 THEN 'registered_pow'
  WHEN d < 0.96 THEN 'no_show' WHEN d < 0.97 THEN 'aborted' ELSE 'closed' END`;

export async function seedCases(ctx: AppContext, count: number, opts: { assignTo?: string; known?: number; batch?: number; shared?: number } = {}): Promise<KnownApplicant[]> {
  const exec = ctx.database.executeSql;
  const batch = opts.batch ?? 100_000;
  const assign = opts.assignTo ? `'${opts.assignTo.replace(/[^0-9a-f-]/g, "")}'::uuid` : "NULL::uuid";
  for (let from = 0; from < count; from += batch) {
    const n = Math.min(batch, count - from);
    await exec(`
      INSERT INTO cases (state, channel, team_id, assigned_user_id, created_at, updated_at, last_inbound_at, last_outbound_at, unread_count, receipt_lookup)
      SELECT state, channel, team, CASE WHEN e < 0.02 THEN ${assign} END, created,
             CASE WHEN state = 'new' THEN created WHEN i % 150 = 0 THEN touched + interval '1 minute' ELSE touched END,
             CASE WHEN state = 'new' THEN created WHEN i % 150 = 0 THEN touched + interval '1 minute' ELSE touched - interval '3 minutes' END,
             CASE WHEN state = 'new' THEN NULL ELSE touched END,
             CASE WHEN state = 'new' OR i % 150 = 0 THEN 1 ELSE 0 END,
             substr(md5(i::text || 'receipt'), 1, 8)
      FROM (
        SELECT i, d, e, ${STATE} AS state,
               (${TEAMS})[1 + floor(a * 11)::int] AS team,
               (${CHANNELS})[1 + floor(b * 10)::int] AS channel,
               created, created + (now() - created) * e AS touched
        FROM (
          SELECT i, random() AS a, random() AS b, random() AS d, random() AS e,
                 now() - CASE WHEN random() < 0.004 THEN random() * interval '2 hours' ELSE random() * interval '365 days' END AS created
          FROM generate_series(${from + 1}, ${from + n}) AS i
        ) g
      ) x`);
  }
  // Blind-index rows per case: a full name and a phone (random values), and the words of a name
  // drawn from common Russian first names, patronymics and surnames (their real indexes), so that a
  // search by "Иван" meets tens of thousands of rows, as it would on a real hotline.
  const key = ctx.keys.subkey("index");
  const words = (list: readonly string[]) => `ARRAY[${list.map((w) => `'${nameTokenIndexes(key, w)[0]}'`).join(",")}]`;
  await exec(`
    INSERT INTO blind_indexes (case_id, kind, value)
    SELECT c.id, k.kind, substr(md5(c.id::text || k.kind), 1, 16) FROM cases c CROSS JOIN (VALUES ('name'), ('phone')) AS k(kind)
    ON CONFLICT DO NOTHING`);
  for (const list of [SURNAMES, FIRST_NAMES, PATRONYMICS]) {
    await exec(`INSERT INTO blind_indexes (case_id, kind, value) SELECT id, 'name_token', (${words(list)})[1 + floor(random() * ${list.length})::int] FROM cases ON CONFLICT DO NOTHING`);
  }

  // Known applicants: real blind indexes of made-up people, on random cases of the intake team.
  const known: KnownApplicant[] = [];
  const picks = await ctx.db.select({ id: cases.id }).from(cases).where(eq(cases.teamId, "intake")).limit(opts.known ?? 1000);
  const rows: { caseId: string; kind: string; value: string }[] = [];
  for (const [i, p] of picks.entries()) {
    // Letters, not digits: names are normalised to letters, and each known surname must be unique.
    const surname = `Бенчмарк${[...String(i)].map((d) => "абвгдежзик"[Number(d)]).join("")}`;
    const person = { name: `${surname} Иван Петрович`, phone: `+7 900 ${String(i).padStart(7, "0")}` };
    known.push(person);
    rows.push(...(await blindIndexRows(ctx, p.id, { name: person.name, phone: person.phone })));
  }
  for (let i = 0; i < rows.length; i += 2000) await ctx.db.insert(blindIndexes).values(rows.slice(i, i + 2000)).onConflictDoNothing();
  // Lopsided data: `shared` intake cases that all carry the same name, phone, Telegram and service number.
  if (opts.shared) {
    const values = await blindIndexRows(ctx, "00000000-0000-0000-0000-000000000000", SHARED_APPLICANT);
    const tuples = values.map((v) => `('${v.kind}', '${v.value}')`).join(", ");
    await exec(`INSERT INTO blind_indexes (case_id, kind, value)
      SELECT c.id, k.kind, k.value FROM (SELECT id FROM cases WHERE team_id = 'intake' ORDER BY md5(id::text) LIMIT ${Math.trunc(opts.shared)}) c CROSS JOIN (VALUES ${tuples}) AS k(kind, value)
      ON CONFLICT DO NOTHING`);
  }
  // The steady state of a running store (autovacuum has been by): visibility map set, statistics fresh.
  await exec("VACUUM ANALYZE cases");
  await exec("VACUUM ANALYZE blind_indexes");
  return known;
}

// Run as a script: seed an existing store.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadConfig } = await import("../src/server/config.js");
  const { openContext } = await import("../src/server/services.js");
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const ctx = await openContext(loadConfig({ ...(arg("data-dir") ? { dataDir: arg("data-dir")! } : {}), ...(arg("database-url") ? { databaseUrl: arg("database-url")! } : {}), logLevel: "warn" }));
  try {
    const t0 = performance.now();
    const known = await seedCases(ctx, Number(arg("cases") ?? 100_000));
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s; searchable example: ${known[0]?.name ?? "-"} / ${known[0]?.phone ?? "-"}`);
  } finally {
    await ctx.database.close();
  }
}
