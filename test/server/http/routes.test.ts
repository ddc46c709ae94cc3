import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { TEST_USER_AGENT, type StaffClient } from "../../support/staff.js";
import type { BaseApp } from "../../../src/server/http/base.js";

let staffApp: BaseApp;
let publicApp: BaseApp;
let store: StaffedStore<never>;
let admin: StaffClient;

/** Routes anyone may call. Everything else on the staff listener must answer 401 without a session. */
const PUBLIC_STAFF_ROUTES = new Set([
  "GET /healthz",
  "GET /readyz",
  // Counts only, by route pattern; METRICS_TOKEN guards it where the staff listener is reachable.
  "GET /metrics",
  "GET /api/openapi.json",
  "GET /api/docs",
  "POST /api/auth/login",
  "POST /api/setup/inspect",
  "POST /api/setup/accept",
]);

beforeAll(async () => {
  store = await staffedStore({ publicApp: true });
  ({ app: staffApp, admin } = store);
  publicApp = store.publicApp!;
});
afterAll(async () => store.close());

/** Every route the staff app declares, taken from the OpenAPI spec plus the hidden ones. */
function staffRoutes(): { method: string; url: string }[] {
  const spec = staffApp.swagger() as { paths: Record<string, Record<string, unknown>> };
  const fromSpec = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), url: p.replace(/\{(\w+)\}/g, ":$1") })));
  return [...fromSpec, { method: "GET", url: "/api/openapi.json" }, { method: "GET", url: "/api/docs" }, { method: "GET", url: "/healthz" }, { method: "GET", url: "/readyz" }, { method: "GET", url: "/metrics" }];
}
const concrete = (url: string) => url.replace(/:id\b/g, "00000000-0000-4000-8000-000000000000").replace(/:(\w+)/g, "x");

describe("staff listener", () => {
  it("rejects every non-public route without a session", async () => {
    const routes = staffRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const res = await staffApp.inject({ method: r.method as "GET", url: concrete(r.url), payload: r.method === "GET" ? undefined : {} });
      const key = `${r.method} ${r.url}`;
      if (PUBLIC_STAFF_ROUTES.has(key)) expect(res.statusCode, key).not.toBe(401);
      else {
        expect(res.statusCode, key).toBe(401);
        expect(res.json(), key).toEqual({ error: { code: "unauthenticated", message: "sign in first" } });
      }
    }
  });

  it("sends strict security headers: CSP without unsafe-inline, no framing, no referrer", async () => {
    const res = await staffApp.inject({ method: "GET", url: "/healthz" });
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("publishes an OpenAPI spec and a docs page", async () => {
    const spec = await staffApp.inject({ method: "GET", url: "/api/openapi.json" });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toMatch(/^3\./);
    expect(Object.keys(spec.json().paths)).toEqual(expect.arrayContaining(["/api/auth/login", "/api/staff", "/api/audit/verify"]));
    const docs = await staffApp.inject({ method: "GET", url: "/api/docs" });
    expect(docs.headers["content-type"]).toContain("text/html");
    expect(docs.body).toContain("/api/staff/invitations");
  });

  it("answers bad input with the one error shape, never a 500", async () => {
    const bad = [
      { method: "POST", url: "/api/auth/login", payload: "{not json", headers: { "content-type": "application/json" } },
      { method: "POST", url: "/api/auth/login", payload: { username: 12, password: ["x"] } },
      { method: "POST", url: "/api/auth/login", payload: { username: "a".repeat(10_000), password: "x" } },
      { method: "POST", url: "/api/auth/login", payload: "x".repeat(300 * 1024), headers: { "content-type": "application/json" } },
      { method: "POST", url: "/api/auth/login", payload: "<xml/>", headers: { "content-type": "application/xml" } },
      { method: "POST", url: "/api/setup/accept", payload: { token: "\u0000".repeat(40), username: "ok_name", displayName: "x", password: "p".repeat(20) } },
      { method: "GET", url: "/api/audit?after=-5&limit=abc" },
      { method: "POST", url: `/api/staff/not-a-uuid/disable`, payload: {} },
    ] as const;
    for (const b of bad) {
      const res = await admin.app.inject({ ...b, headers: { ...("headers" in b ? b.headers : {}), cookie: `sp_staff=${admin.cookie}`, "x-csrf-token": admin.csrf, "user-agent": TEST_USER_AGENT } } as never);
      expect(res.statusCode, `${b.method} ${b.url}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${b.method} ${b.url}`).toBeLessThan(500);
      expect(res.json().error.code).toMatch(/^[a-z_]+$/);
    }
  });
});

describe("public listener", () => {
  it("has no staff routes: they are a plain 404", async () => {
    for (const r of staffRoutes().filter((x) => x.url.startsWith("/api/"))) {
      const res = await publicApp.inject({ method: r.method as "GET", url: concrete(r.url), headers: { cookie: `sp_staff=${admin.cookie}`, "x-csrf-token": admin.csrf } });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
    }
    expect((await publicApp.inject({ method: "GET", url: "/console" })).statusCode).toBe(404);
  });

  it("serves health checks", async () => {
    expect((await publicApp.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await publicApp.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready", checks: { database: "ok" } });
  });
});
