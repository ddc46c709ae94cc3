import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/server/config.js";
import { openContext } from "../src/server/services.js";
import { buildPublicApp } from "../src/server/app.js";
import { teams } from "../src/server/db/schema.js";
import { generateTeamKeyPair } from "../src/server/crypto/team-keys.js";
import { wipe } from "../src/server/crypto/secure.js";
import { deriveApplicantKeyPair, generateApplicantSalt, generateReceiptCode, hashReceiptCode } from "../src/server/crypto/receipt.js";
import { freshPostgresDatabase } from "../test/support/store.js";
import { percentile, type BenchRow } from "./table.js";
import { teamKeyMac } from "../src/server/keys/pinned.js";

/**
 * The applicant site's figures:
 * - bytes on the wire for the home page and the form (headers + compressed body; one round trip
 *   of a fresh TCP connection carries about 14 KB);
 * - durably committed, encrypted requests per second through the real public app over HTTP, on
 *   PGlite and on PostgreSQL, beside the limit that the two Argon2id runs of each request (the
 *   receipt hash and the applicant key) set on this machine's cores;
 * Each request is posted as a browser does: the form page first (its form token), then the form.
 */
const ONE_ROUND_TRIP = 14 * 1024;
const CONCURRENCY = 8;

const FORM = new URLSearchParams({
  who: "alone",
  name: "Смирнов Андрей Викторович",
  rank: "рядовой",
  unit: "в/ч 12345",
  deployed: "yes",
  region: "zaporizhzhia",
  location: "под Токмаком",
  timing: "week",
  contact: "site",
  message: "Здравствуйте. Хочу сдаться в плен. Сейчас нахожусь на позициях, могу выйти на связь вечером. Со мной может быть ещё один человек. Подскажите, что делать дальше и как это сделать безопасно.",
  receipt: "digits",
}).toString();

export function request(url: string, opts: { method?: "GET" | "POST"; body?: string; headers?: Record<string, string>; localAddress?: string } = {}): Promise<{ status: number; body: Buffer; headerBytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        // Status line + header lines as sent, roughly: what shares the first round trip with the body.
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) headerBytes += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headerBytes });
      });
    });
    req.on("error", reject);
    if (opts.body) req.end(opts.body);
    else req.end();
  });
}

/**
 * A poster of the web form as a crowd of applicants sends it: each request from its own loopback
 * address (not one client over its limit), the form page first (its form token), then the form.
 */
export function intakePoster(url: string) {
  let next = 0;
  const address = () => `127.0.${2 + Math.floor((next % 60000) / 250)}.${2 + ((next++ % 250) | 0)}`;
  return async () => {
    const localAddress = address();
    const page = await request(url, { localAddress });
    // A page refused (the per-address page limit) carries no form: answered as the server answered.
    if (page.status !== 200) return page;
    const token = /name="form_token" value="([^"]+)"/.exec(page.body.toString("utf8"))?.[1] ?? "";
    return request(url, { method: "POST", body: `${FORM}&form_token=${encodeURIComponent(token)}`, headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" }, localAddress });
  };
}

async function meanMs(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

type Store = { label: string; open: () => Promise<{ config: ReturnType<typeof loadConfig>; drop: () => Promise<void> }> };

/** Requests per second that end in a 201 (the case is committed before the answer), one address per request. */
async function intakeThroughput(store: Store, seconds: number) {
  const { config, drop } = await store.open();
  const ctx = await openContext(config);
  const pair = generateTeamKeyPair();
  await ctx.db.insert(teams).values({ id: "intake", publicKey: pair.publicKey, mac: teamKeyMac(ctx.keys, "intake", pair.publicKey, 1) });
  wipe(pair.privateKey);
  const app = await buildPublicApp(ctx);
  app.intakeFlood!.setMode("off"); // the raw cost of a request; the switch is measured apart
  try {
    const url = `${await app.listen({ host: "127.0.0.1", port: 0 })}/request`;
    const post = intakePoster(url);
    for (let i = 0; i < 4; i++) if ((await post()).status !== 201) throw new Error("intake warm-up failed");
    const latencies: number[] = [];
    let ok = 0;
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          const r = await post();
          if (r.status !== 201) throw new Error(`intake answered ${r.status}`);
          latencies.push(performance.now() - s);
          ok++;
        }
      }),
    );
    const rate = ok / ((performance.now() - t0) / 1000);
    latencies.sort((a, b) => a - b);
    return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await app.close();
    await ctx.database.close();
    await drop();
  }
}

export async function benchIntake(seconds = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // Page weight, from a real listener.
  {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-intake-"));
    const ctx = await openContext(loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }));
    const app = await buildPublicApp(ctx);
    try {
      const base = await app.listen({ host: "127.0.0.1", port: 0 });
      for (const [p, name] of [["/", "home page"], ["/request", "request form"]] as const) {
        const br = await request(`${base}${p}`, { headers: { "accept-encoding": "br, gzip" } });
        const gz = await request(`${base}${p}`, { headers: { "accept-encoding": "gzip" } });
        const plain = await request(`${base}${p}`);
        const total = br.headerBytes + br.body.length;
        rows.push({
          section: "intake",
          name: `${name} ${p}, transferred (headers + brotli body)`,
          value: total,
          unit: "bytes",
          ratio: `${((total / ONE_ROUND_TRIP) * 100).toFixed(0)}% of 14 KB`,
          note: `body ${br.body.length} B brotli, ${gz.body.length} B gzip, ${plain.body.length} B plain; headers ${br.headerBytes} B`,
        });
      }
    } finally {
      await app.close();
      await ctx.database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  // What bounds intake: two Argon2id runs per request.
  const code = generateReceiptCode();
  const salt = generateApplicantSalt();
  const hashMs = await meanMs(5, () => hashReceiptCode(code));
  const deriveMs = await meanMs(5, async () => wipe((await deriveApplicantKeyPair(code, salt)).privateKey));
  const cores = os.cpus().length;
  const limit = cores / ((hashMs + deriveMs) / 1000);
  rows.push({ section: "intake", name: "receipt hash (Argon2id 64 MiB, t=3), one run", value: hashMs, unit: "ms", note: "stored per case; one verification per code check" });
  rows.push({ section: "intake", name: "applicant key derivation (Argon2id), one run", value: deriveMs, unit: "ms", note: "at intake and at each successful code check" });
  rows.push({ section: "intake", name: `hash-bound intake limit (${cores} cores / both runs)`, value: limit, unit: "req/s", note: `${cores} / (${hashMs.toFixed(0)} + ${deriveMs.toFixed(0)} ms)` });

  const stores: Store[] = [
    {
      label: "PGlite (fsync on)",
      open: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-intake-"));
        return { config: loadConfig({ dataDir: dir, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
      },
    },
    {
      label: "PostgreSQL",
      open: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-bench-intake-"));
        const db = await freshPostgresDatabase();
        return {
          config: loadConfig({ dataDir: dir, databaseUrl: db.url, logLevel: "silent" }, { SAFE_PASSAGE_ENV: "test" }),
          drop: async () => {
            await db.drop();
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  for (const store of stores) {
    const r = await intakeThroughput(store, seconds);
    rows.push({
      section: "intake",
      name: `web requests committed/s over HTTP, ${store.label}`,
      value: r.rate,
      unit: "req/s",
      ratio: `${((r.rate / limit) * 100).toFixed(0)}% of hash-bound limit`,
      note: `${CONCURRENCY} concurrent; p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`,
    });
  }

  // The proof of work has its own table: bench/pow.bench.ts.
  return rows;
}
