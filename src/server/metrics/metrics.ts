import { rowsOf } from "../db/index.js";
import { argon2LaneStatus } from "../crypto/argon2-lane.js";
import { sql } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AppContext } from "../context.js";

/**
 * Prometheus metrics for one running server (both listeners), from prom-client. No label ever
 * carries anything identifying: listener, method, route *pattern* ("/api/cases/:id", never the
 * id), status class, job name, flood mode. Queue depths are counted when Prometheus scrapes, so
 * an idle server does no work for them.
 */
export interface Metrics {
  registry: Registry;
  requests: Counter<"listener" | "method" | "route" | "status">;
  latency: Histogram<"listener" | "route">;
  jobFailures: Counter<"job">;
  /** Set by the public listener: how the flood switch stands and how many costly posts are in flight. */
  watchFlood(probe: () => { mode: string; active: boolean; inFlight: number }): void;
}

const byContext = new WeakMap<AppContext, Metrics>();

/** The metrics of this context, made on first use (each test context gets its own registry). */
export function metricsFor(ctx: AppContext): Metrics {
  let m = byContext.get(ctx);
  if (!m) {
    m = createMetrics(ctx);
    byContext.set(ctx, m);
  }
  return m;
}

function createMetrics(ctx: AppContext): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "safepassage_process_" });
  const requests = new Counter({ name: "safepassage_http_requests_total", help: "HTTP requests answered", labelNames: ["listener", "method", "route", "status"] as const, registers: [registry] });
  const latency = new Histogram({
    name: "safepassage_http_request_seconds",
    help: "Time from request to response",
    labelNames: ["listener", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobFailures = new Counter({ name: "safepassage_job_failures_total", help: "Scheduled jobs that threw (pg-boss retries them)", labelNames: ["job"] as const, registers: [registry] });
  new Gauge({
    name: "safepassage_outbox_pending",
    help: "Replies waiting in the channel outbox (queued or retrying)",
    registers: [registry],
    async collect() {
      const rows = await rowsOf<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM channel_outbox WHERE state IN ('queued', 'sending', 'retrying')`);
      this.set(Number(rows[0]?.n ?? 0));
    },
  });
  let flood: (() => { mode: string; active: boolean; inFlight: number }) | null = null;
  new Gauge({
    name: "safepassage_intake_flood_active",
    help: "1 while the public form asks for proof of work",
    labelNames: ["mode"] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (flood) {
        const f = flood();
        this.set({ mode: f.mode }, f.active ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "safepassage_intake_in_flight",
    help: "Costly public posts (proof of work, Argon2) being processed now",
    registers: [registry],
    collect() {
      this.set(flood ? flood().inFlight : 0);
    },
  });
  new Gauge({
    name: "safepassage_public_argon2_runs",
    help: "The applicant side's Argon2id runs, running and queued for its lane (INTAKE_ARGON2_THREADS)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const lane = argon2LaneStatus("public");
      this.set({ state: "running" }, lane.running);
      this.set({ state: "waiting" }, lane.waiting);
    },
  });
  return { registry, requests, latency, jobFailures, watchFlood: (probe) => (flood = probe) };
}
