import autocannon from "autocannon";
import Fastify from "fastify";
import type { BenchRow } from "./table.js";

export interface Load {
  rps: number;
  p50: number;
  p99: number;
}

/** Drive one URL with autocannon from this process for `seconds`; loopback only. */
export async function load(url: string, seconds: number, opts: { connections?: number; method?: "GET" | "POST"; body?: string; headers?: Record<string, string> } = {}): Promise<Load> {
  const r = await autocannon({ url, duration: seconds, connections: opts.connections ?? 10, method: opts.method ?? "GET", ...(opts.body ? { body: opts.body } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx and ${r.errors} errors under load`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

/** The hello-world baseline: a bare Fastify route, so every later HTTP figure has a ratio to it. */
export async function helloBaseline(seconds: number): Promise<{ row: BenchRow; load: Load }> {
  const app = Fastify({ logger: false });
  app.get("/", async () => ({ hello: "world" }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const l = await load(url, seconds);
    return { load: l, row: { section: "http", name: "hello-world baseline (bare Fastify)", value: l.rps, unit: "req/s", ratio: "1.00×", note: `p50 ${l.p50} ms, p99 ${l.p99} ms` } };
  } finally {
    await app.close();
  }
}

export function httpRow(name: string, l: Load, base: Load): BenchRow {
  return { section: "http", name, value: l.rps, unit: "req/s", ratio: `${(l.rps / base.rps).toFixed(2)}× baseline`, note: `p50 ${l.p50} ms, p99 ${l.p99} ms` };
}
