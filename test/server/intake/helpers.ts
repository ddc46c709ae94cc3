import type { LightMyRequestResponse } from "fastify";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { TEST_USER_AGENT } from "../../support/staff.js";

/**
 * Helpers for the applicant-site tests. Every request comes from its own made-up address unless
 * a test says otherwise, so the per-client rate limits only bite where a test means them to.
 */
let nextAddress = 1;
export function freshAddress(): string {
  const n = nextAddress++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export type Fields = Record<string, string | string[]>;

export function encodeForm(fields: Fields): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(x)}`);
  return parts.join("&");
}

export function post(app: BaseApp, url: string, body: Fields | string | Buffer, opts: { cookie?: string; address?: string; contentType?: string } = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "POST",
    url,
    remoteAddress: opts.address ?? freshAddress(),
    headers: {
      "content-type": opts.contentType ?? "application/x-www-form-urlencoded",
      "user-agent": TEST_USER_AGENT,
      ...(opts.cookie ? { cookie: `sp_applicant=${opts.cookie}` } : {}),
    },
    payload: typeof body === "string" || Buffer.isBuffer(body) ? body : encodeForm(body),
  });
}

export function get(app: BaseApp, url: string, opts: { cookie?: string; address?: string; encoding?: string } = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "GET",
    url,
    remoteAddress: opts.address ?? freshAddress(),
    headers: {
      "user-agent": TEST_USER_AGENT,
      ...(opts.cookie ? { cookie: `sp_applicant=${opts.cookie}` } : {}),
      ...(opts.encoding ? { "accept-encoding": opts.encoding } : {}),
    },
  });
}

export function applicantCookie(res: LightMyRequestResponse): string | null {
  return res.cookies.find((c) => c.name === "sp_applicant" && c.value)?.value ?? null;
}

export function receiptCodeOf(res: LightMyRequestResponse): string {
  const m = /<p class="code" id="receipt-code">([^<]+)<\/p>/.exec(res.body);
  if (!m) throw new Error(`no receipt code in page (${res.statusCode})`);
  return m[1]!;
}

export async function caseCount(ctx: AppContext): Promise<number> {
  const r = await ctx.database.executeSql("SELECT count(*)::int AS n FROM cases");
  return Number(r.rows[0]!.n);
}

export async function latestCaseId(ctx: AppContext): Promise<string> {
  const r = await ctx.database.executeSql("SELECT id FROM cases ORDER BY number DESC LIMIT 1");
  return String(r.rows[0]!.id);
}

/**
 * Every row of every table, as PostgreSQL prints it (bytea as hex): true if any contains the
 * text, in clear or as the hex of its UTF-8 bytes.
 */
export async function databaseContains(ctx: AppContext, text: string): Promise<string[]> {
  const hex = Buffer.from(text, "utf8").toString("hex");
  const tables = await ctx.database.executeSql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  const names = tables.rows.map((r) => String(r.tablename));
  const hits: string[] = [];
  for (const name of names) {
    const r = await ctx.database.executeSql(`SELECT count(*)::int AS n FROM "${name}" t WHERE position($1 in t::text) > 0 OR position($2 in t::text) > 0`, [text, hex]);
    if (Number(r.rows[0]!.n) > 0) hits.push(name);
  }
  return hits;
}

/** The page with its per-response CSP nonces taken out, for comparing two answers byte for byte. */
export function withoutNonces(body: string): string {
  return body.replace(/nonce="[^"]*"/g, 'nonce=""');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
