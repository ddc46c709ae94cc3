import { describe, expect, it } from "vitest";
import { POLICY, RESOURCES, allow, authorize, type Resource } from "../../../src/server/policy.js";
import { ROLES } from "../../../src/shared/roles.js";

describe("policy table", () => {
  it("covers every role, resource and action with a valid grant", () => {
    let cells = 0;
    for (const role of ROLES) {
      expect(Object.keys(POLICY[role]).sort()).toEqual(Object.keys(RESOURCES).sort());
      for (const resource of Object.keys(RESOURCES) as Resource[]) {
        const actions = RESOURCES[resource] as readonly string[];
        expect(Object.keys(POLICY[role][resource]).sort()).toEqual([...actions].sort());
        for (const action of actions) {
          const grant = allow(role, resource, action as never);
          expect([false, "scoped", "all"]).toContain(grant);
          if (grant) expect(authorize({ role }, resource, action as never)).toBe(grant);
          else expect(() => authorize({ role }, resource, action as never)).toThrow(/not allowed/);
          cells++;
        }
      }
    }
    expect(cells).toBe(ROLES.length * Object.values(RESOURCES).reduce((n, a) => n + a.length, 0));
  });

  it("keeps the rules the domain asks for", () => {
    // Only admins manage accounts.
    for (const role of ROLES) expect(Boolean(allow(role, "staff", "set_role"))).toBe(role === "admin");
    // An operator sees contact details, not rendezvous details.
    expect(allow("operator", "case_contact", "read")).toBe("scoped");
    expect(allow("operator", "rendezvous", "read")).toBe(false);
    // A supervisor sees aggregates, not identities; an admin reads no case content.
    expect(allow("supervisor", "analytics", "read")).toBe("all");
    for (const role of ["supervisor", "admin"] as const) {
      expect(allow(role, "case_identity", "read")).toBe(false);
      expect(allow(role, "case", "read")).toBe(false);
    }
    // Case workers only ever get scoped access to case content.
    for (const role of ROLES) for (const r of ["case_identity", "case_contact", "rendezvous"] as const) expect(allow(role, r, "read")).not.toBe("all");
  });
});
