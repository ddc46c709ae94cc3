import type { LightMyRequestResponse } from "fastify";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { TEST_USER_AGENT } from "../../support/staff.js";
import sodium from "sodium-native";
import { leadingZeroBits, solveWork } from "../../../src/server/intake/pow.js";

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

export interface PostOptions {
  cookie?: string;
  address?: string;
  contentType?: string;
  /** Extra request headers (Origin, Sec-Fetch-Site, …). By default none: an old browser, or a program. */
  headers?: Record<string, string>;
  /**
   * The form token is fetched from the page that shows the form (as a browser would have it),
   * unless the fields carry one or this is false. With the flood switch on it also carries work,
   * which the caller solves (solveToken).
   */
  token?: false;
}

/** The page each form lives on, and which of its forms. */
function formSource(url: string, cookie: string | undefined): { page: string; form: string; cookie?: string } | null {
  const [path, query] = url.split("?");
  const q = query ? `?${query}` : "";
  if (path === "/request") return { page: `/request${q}`, form: "request-form" };
  if (path === "/return") return { page: `/return${q}`, form: "return-form" };
  if (path === "/return/reply" && cookie) return { page: `/return${q}`, form: "reply-form", cookie };
  if (path === "/return/leave" && cookie) return { page: `/return${q}`, form: "leave", cookie };
  if (path === "/return/confirm" && cookie) return { page: `/return${q}`, form: "confirm-form", cookie };
  return null;
}

/** The form token of one form of a page ("leave": the leave form, which has no id). */
export function tokenOf(body: string, form = ""): string | null {
  const start = form === "leave" ? body.indexOf('action="/return/leave') : form ? body.indexOf(`id="${form}"`) : 0;
  if (start < 0) return null;
  return /name="form_token" value="([^"]+)"/.exec(body.slice(start))?.[1] ?? null;
}

export async function fetchToken(app: BaseApp, url: string, cookie?: string): Promise<string | null> {
  const source = formSource(url, cookie);
  if (!source) return null;
  const page = await get(app, source.page, source.cookie ? { cookie: source.cookie } : {});
  return tokenOf(page.body, source.form);
}

export async function post(app: BaseApp, url: string, body: Fields | string | Buffer, opts: PostOptions = {}): Promise<LightMyRequestResponse> {
  let payload = body;
  if (typeof body === "object" && !Buffer.isBuffer(body) && !("form_token" in body) && opts.token !== false) {
    const token = await fetchToken(app, url, opts.cookie);
    if (token) payload = { form_token: token, ...body };
  }
  return app.inject({
    method: "POST",
    url,
    remoteAddress: opts.address ?? freshAddress(),
    headers: {
      "content-type": opts.contentType ?? "application/x-www-form-urlencoded",
      "user-agent": TEST_USER_AGENT,
      ...(opts.cookie ? { cookie: `sp_applicant=${opts.cookie}` } : {}),
      ...opts.headers,
    },
    payload: typeof payload === "string" || Buffer.isBuffer(payload) ? payload : encodeForm(payload),
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
  return body.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/name="form_token" value="[^"]*"/g, 'name="form_token" value=""');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What the browser's workers do (pow-script.ts), natively: a nonce for a token that asks for work. */
export function solveToken(token: string): string {
  const [, bits, memory, , rand] = token.split(".");
  return solveWork(token, Buffer.from(rand!, "base64url"), { bits: Number(bits), memoryKiB: Number(memory) }).nonce;
}

/** Small proof-of-work parameters for tests (the defaults take seconds per solve by design). */
export const TEST_POW_ENV = { INTAKE_POW_BASE_BITS: "4", INTAKE_POW_MAX_BITS: "6", INTAKE_POW_MEMORY_KIB: "64" };
export function withEnv(env: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** A nonce that does not solve the token (the first one that fails). */
export function wrongNonce(token: string): string {
  const [, bits, memory, , rand] = token.split(".");
  const salt = Buffer.from(rand!, "base64url");
  const out = Buffer.alloc(32);
  for (let n = 0; ; n++) {
    sodium.crypto_pwhash(out, Buffer.from(`${token}:${n}`), salt, 1, Number(memory) * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13);
    if (leadingZeroBits(out) < Number(bits)) return String(n);
  }
}
