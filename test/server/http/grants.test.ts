import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { declaredRoutes } from "../../../src/server/auth/guard.js";
import { allow } from "../../../src/server/policy.js";
import { ROLES, type Role } from "../../../src/shared/roles.js";

/** One account of each role, so that every grant has someone who lacks it (when any role does). */
const ONE_OF_EACH = Object.fromEntries(ROLES.filter((r) => r !== "admin").map((r) => [r, r])) as Record<Exclude<Role, "admin">, Role>;

let s: StaffedStore<Exclude<Role, "admin">>;
beforeAll(async () => {
  s = await staffedStore({ staff: ONE_OF_EACH });
});
afterAll(async () => s.close());

const concrete = (url: string) => url.replace(/:id\b/g, "00000000-0000-4000-8000-000000000000").replace(/:teamId\b/g, "triage").replace(/:(\w+)/g, "00000000-0000-4000-8000-000000000001");

describe("every staff route declares who may call it", () => {
  it("the guard's list holds every route of the API, each public, half-enrolled, session-only or with a grant of the policy table", () => {
    const routes = declaredRoutes(s.app).filter((r) => r.method !== "HEAD");
    const spec = s.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ":$1")}`));
    const listed = new Set(routes.map((r) => `${r.method} ${r.url}`));
    // Nothing the API documents escapes the list (the two hidden routes are the documentation itself).
    for (const d of documented) expect(listed, d).toContain(d);
    expect(routes.length).toBe(documented.length + 2);
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      if (r.access === "full") expect(r.grant, key).not.toBeNull();
      else expect(r.grant, key).toBeNull();
    }
    const open = routes.filter((r) => r.access !== "full" || r.grant === "session").map((r) => `${r.method} ${r.url} ${r.access}`);
    // The routes that need no grant, named, so that a new one is a deliberate change of this list.
    expect(open.sort()).toEqual(
      [
        "GET /api/auth/session enrol",
        "GET /api/docs public",
        "GET /api/openapi.json public",
        "GET /api/settings/sla full",
        "POST /api/auth/login public",
        "POST /api/auth/logout enrol",
        "POST /api/auth/logout-all enrol",
        "POST /api/auth/password full",
        "POST /api/auth/totp/begin enrol",
        "POST /api/auth/totp/confirm enrol",
        "POST /api/setup/accept public",
        "POST /api/setup/inspect public",
        "PUT /api/cases/:id/sections/:section full",
      ].sort(),
    );
  });

  it("a role without a route's grant is refused by the guard, before the route reads its input", async () => {
    let refused = 0;
    for (const r of declaredRoutes(s.app)) {
      if (r.method === "HEAD" || !r.grant || r.grant === "session") continue;
      const { resource, action } = r.grant;
      const lacking = (ROLES as readonly Role[]).filter((role) => role !== "admin" && !allow(role, resource, action as never));
      for (const role of lacking) {
        const res = await s.staff[role as Exclude<Role, "admin">].request(r.method as "GET", concrete(r.url), r.method === "GET" || r.method === "DELETE" ? undefined : {});
        const key = `${role} ${r.method} ${r.url}`;
        expect(res.statusCode, key).toBe(403);
        expect(res.json(), key).toEqual({ error: { code: "forbidden", message: `not allowed: ${resource}.${action}` } });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(40);
  });

  it("a route that declares nothing cannot be registered", async () => {
    const { buildStaffApp } = await import("../../../src/server/app.js");
    const app = await buildStaffApp(s.ctx);
    expect(() => app.get("/api/forgotten", async () => ({}))).toThrow(/declares its grant/);
    await app.close();
  });
});
