import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LightMyRequestResponse } from "fastify";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { TEST_USER_AGENT, type StaffClient } from "../../support/staff.js";
import { brokenBytes, deepNesting, int, mutate, pick, randomString, randomValue, seeded, type Rng } from "../channels/support/fuzz.js";
import { encodeForm, fetchToken, freshAddress } from "../intake/helpers.js";

/**
 * At least 10,000 random and mutated requests on the applicant pages (form, return, reply, leave)
 * and 10,000 on every staff route as signed-in staff (an administrator and an operator): no
 * answer is a 5xx, nothing crashes, and both listeners still work afterwards. Fixed seeds, so a
 * failure replays. The webhooks have their own fuzz (channels/fuzz.test.ts).
 */
const N = Number(process.env.FUZZ_ROUTES_N ?? 10_000);
const BATCH = 48;

let s: StaffedStore<"op1">;
let caseId = "";
beforeAll(async () => {
  process.env.INTAKE_FLOOD_MODE = "off";
  s = await staffedStore({ publicApp: true, staff: { op1: "operator" } });
  await s.admin.request("GET", "/api/auth/session");
  caseId = (await webCase(s.ctx)).caseId;
});
afterAll(async () => s?.close());

async function run(count: number, make: (i: number) => Promise<LightMyRequestResponse>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let start = 0; start < count; start += BATCH) {
    const batch: Promise<LightMyRequestResponse>[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) batch.push(make(i));
    for (const r of await Promise.all(batch)) {
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      if (r.statusCode >= 500) throw new Error(`status ${r.statusCode} on ${r.raw.req.method} ${r.raw.req.url}: ${r.body.slice(0, 300)}`);
    }
  }
  return statuses;
}

/** Percent-encoded; a lone surrogate (which encodeURIComponent refuses) goes as raw %ED bytes, as a broken client sends it. */
function enc(x: string): string {
  try {
    return encodeURIComponent(x);
  } catch {
    return x.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replace(/[^\w%.-]/g, (c) => (c.charCodeAt(0) < 128 ? encodeURIComponent(c) : "%C3%A9"));
  }
}

/** A value for a path parameter: a real id now and then, otherwise junk of every shape. */
function param(rng: Rng): string {
  const r = rng();
  if (r < 0.15) return caseId;
  if (r < 0.3) return "00000000-0000-4000-8000-00000000000" + int(rng, 10);
  if (r < 0.4) return String(int(rng, 1e6) - 10);
  if (r < 0.45) return "x".repeat(3000);
  if (r < 0.5) return "..%2F..%2Fetc%2Fpasswd";
  return enc(randomString(rng, 80));
}
function query(rng: Rng): string {
  if (rng() < 0.4) return "";
  const keys = ["q", "limit", "offset", "cursor", "state", "channel", "teamId", "from", "to", "name", "phone", "telegram", "caseId", "due", "lang", "page"];
  const parts = Array.from({ length: 1 + int(rng, 4) }, () => `${pick(rng, keys)}=${enc(pick(rng, [randomString(rng, 40), String(int(rng, 1e9) - 5), "2026-13-45", "", "-1", "1e309", "null", "[]"]))}`);
  return `?${parts.join("&")}`;
}
function jsonBody(rng: Rng): { payload?: string | Buffer; contentType?: string } {
  const r = rng();
  const base = { to: "rejected", reason: "x", text: "Ответ", userId: caseId, teamId: "intake", role: "operator", days: 30, rule: "rejected_case", enabled: true, outcome: "approved", username: "u", code: "123456", password: "p" };
  if (r < 0.1) return {};
  if (r < 0.2) return { payload: brokenBytes(rng, JSON.stringify(base)), contentType: "application/json" };
  if (r < 0.25) return { payload: deepNesting(2_000 + int(rng, 20_000)), contentType: "application/json" };
  if (r < 0.3) return { payload: JSON.stringify({ pad: "x".repeat(300_000) }), contentType: "application/json" };
  if (r < 0.35) return { payload: randomString(rng, 200), contentType: pick(rng, ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream"]) };
  if (r < 0.5) return { payload: JSON.stringify(randomValue(rng)), contentType: "application/json" };
  return { payload: JSON.stringify(mutate(rng, base)), contentType: "application/json" };
}

describe("fuzz of every route", () => {
  it("what the fuzz found stays fixed: an impossible date and a non-file upload are 4xx, not 500", async () => {
    const audit = await s.admin.request("GET", "/api/audit?from=2026-13-45&to=2026-02-30");
    expect([audit.statusCode, audit.json().error.code]).toEqual([400, "validation_failed"]);
    expect((await s.admin.request("GET", "/api/audit?from=2026-02-28")).statusCode).toBe(200);
    // A NUL in any text reached PostgreSQL (which refuses it in text) through the login form.
    const login = await s.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: "ad\u0000min", password: "x", totp: "123456" } });
    expect([login.statusCode, login.json().error.code]).toEqual([400, "validation_failed"]);
    const nulQuery = await s.admin.request("GET", "/api/audit?action=case%00");
    expect(nulQuery.statusCode).toBe(400);
    const upload = await s.staff.op1.request("POST", `/api/cases/${caseId}/attachments`, { name: "-1" });
    expect([upload.statusCode, upload.json().error.code]).toEqual([415, "unsupported_media_type"]);
  });

  it(`staff routes: ${N} random requests as an administrator and an operator, no 5xx`, { timeout: 900_000 }, async () => {
    const spec = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    // Not the event stream (it never ends) and not signing out (the rest would only see 401s).
    const skip = new Set(["GET /api/events", "POST /api/auth/logout", "POST /api/auth/logout-all"]);
    const routes = Object.entries(spec.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), url: p })))
      .filter((r) => !skip.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThan(40);
    const rng = seeded(2024);
    const who: StaffClient[] = [s.admin, s.staff.op1];
    const statuses = await run(N, async (i) => {
      const route = routes[i % routes.length]!;
      const client = pick(rng, who);
      const url = route.url.replace(/\{\w+\}/g, () => param(rng)) + query(rng);
      const body = route.method === "GET" || route.method === "DELETE" ? {} : jsonBody(rng);
      return s.app.inject({
        method: route.method as "GET",
        url,
        headers: {
          cookie: `sp_staff=${client.cookie}`,
          ...(rng() < 0.95 ? { "x-csrf-token": client.csrf } : {}),
          "user-agent": TEST_USER_AGENT,
          ...(body.contentType ? { "content-type": body.contentType } : {}),
        },
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
      });
    });
    expect([...statuses.keys()].every((c) => c < 500)).toBe(true);
    // Still answering, and the sessions still work.
    expect((await s.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await s.staff.op1.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
  });

  it(`applicant pages: ${N} random and mutated posts and gets, no 5xx`, { timeout: 900_000 }, async () => {
    const rng = seeded(7229);
    const pages = ["/request", "/return", "/return/reply", "/return/leave", "/instructions", "/", "/pow-worker.js"];
    const fields = ["name", "phone", "message", "receipt", "text", "lang", "form_token", "work", "unit", "rank", "group_size", "consent"];
    // Real tokens now and then, so some posts get past the token check into the handlers.
    const tokens = (await Promise.all(["/request", "/return"].map((u) => fetchToken(s.publicApp!, u)))).filter((x): x is string => !!x);
    const statuses = await run(N, async () => {
      const url = pick(rng, pages) + (rng() < 0.3 ? pick(rng, ["?lang=ru", "?lang=xx", `?q=${enc(randomString(rng, 30))}`, "?sent=1"]) : "");
      const headers: Record<string, string> = { "user-agent": TEST_USER_AGENT };
      if (rng() < 0.3) headers.cookie = `sp_applicant=${pick(rng, [randomString(rng, 60), "", "a".repeat(5000)])}`;
      if (rng() < 0.2) headers.origin = pick(rng, ["https://evil.example", "null", "http://127.0.0.1"]);
      if (rng() < 0.5) return s.publicApp!.inject({ method: "GET", url, headers, remoteAddress: freshAddress() });
      const form: Record<string, string> = {};
      // A browser sends well-formed text in a form; broken bytes come below as brokenBytes.
      for (let k = int(rng, 6); k > 0; k--) form[pick(rng, fields)] = pick(rng, [randomString(rng, 120).replace(/[\ud800-\udfff]/g, "\ufffd"), "", "x".repeat(int(rng, 20_000)), String(int(rng, 1e9)), ...tokens]);
      const r = rng();
      const payload = r < 0.1 ? brokenBytes(rng, encodeForm(form)) : r < 0.15 ? JSON.stringify(randomValue(rng)) : encodeForm(form);
      const contentType = r < 0.1 ? "application/x-www-form-urlencoded" : r < 0.15 ? pick(rng, ["application/json", "text/plain", "multipart/form-data; boundary=q"]) : "application/x-www-form-urlencoded";
      return s.publicApp!.inject({ method: "POST", url, headers: { ...headers, "content-type": contentType }, payload, remoteAddress: freshAddress() });
    });
    expect([...statuses.keys()].every((c) => c < 500)).toBe(true);
    expect((await s.publicApp!.inject({ method: "GET", url: "/request", remoteAddress: freshAddress() })).statusCode).toBe(200);
  });
});
