import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, webCase, type StaffedStore } from "../support/staffed.js";
import { addReadinessProbe } from "../../src/server/metrics/readiness.js";

/**
 * Prometheus metrics on the staff listener (issue 16, item 5): requests, latency, outbox depth,
 * flood mode, job failures, with nothing identifying in any label; /readyz names what is down.
 */
const TOKEN = "metrics-token-for-the-test-0123456789";
let s: StaffedStore<"op1">;

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator" }, publicApp: true, env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => s.close());

const scrape = (auth?: string) => s.app.inject({ method: "GET", url: "/metrics", ...(auth ? { headers: { authorization: auth } } : {}) });

describe("metrics", () => {
  it("counts requests by route pattern, never by URL, and names no applicant", async () => {
    const c = await webCase(s.ctx, { name: "Канарейкин Метрик", phone: "+7 900 111-22-33" });
    expect((await s.staff.op1.request("GET", `/api/cases/${c.caseId}`)).statusCode).toBe(200);
    expect((await s.publicApp!.inject({ method: "GET", url: "/" })).statusCode).toBe(200);
    expect((await s.publicApp!.inject({ method: "GET", url: "/no-such-page?name=Канарейкин" })).statusCode).toBe(404);
    const r = await scrape(`Bearer ${TOKEN}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toContain("text/plain");
    const text = r.body;
    expect(text).toMatch(/safepassage_http_requests_total\{listener="staff",method="GET",route="\/api\/cases\/:id",status="2xx"\} [1-9]/);
    expect(text).toMatch(/safepassage_http_requests_total\{listener="public",method="GET",route="\/",status="2xx"\} [1-9]/);
    expect(text).toMatch(/safepassage_http_requests_total\{listener="public",method="GET",route="unmatched",status="4xx"\} [1-9]/);
    expect(text).toContain("safepassage_http_request_seconds_bucket");
    expect(text).toMatch(/safepassage_outbox_pending \d+/);
    expect(text).toMatch(/safepassage_intake_flood_active\{mode="(auto|on|off)"\} [01]/);
    expect(text).toMatch(/safepassage_public_argon2_runs\{state="running"\} \d+/);
    expect(text).toMatch(/safepassage_public_argon2_runs\{state="waiting"\} \d+/);
    expect(text).toContain("safepassage_job_failures_total");
    // Nothing of the case or the URLs asked for: no id, no name, no phone, no query string.
    for (const secret of [c.caseId, "Канарейкин", "900 111", "no-such-page", "name="]) expect(text).not.toContain(secret);
  });

  it("asks for the token when one is configured", async () => {
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape("Bearer wrong-token-of-the-same-len-0123")).statusCode).toBe(401);
    expect((await s.publicApp!.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(404); // never on the public listener
  });

  it("/readyz says which part is down", async () => {
    const ok = await s.app.inject({ method: "GET", url: "/readyz" });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: "ready", checks: { database: "ok" } });
    addReadinessProbe(s.ctx, "jobs", async () => {
      throw new Error("job runner stopped");
    });
    const down = await s.publicApp!.inject({ method: "GET", url: "/readyz" });
    expect(down.statusCode).toBe(503);
    expect(down.json().error).toMatchObject({ code: "unavailable", details: { database: "ok", jobs: "down" } });
    expect(down.json().error.message).toContain("jobs");
  });
});
