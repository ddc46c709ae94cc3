/**
 * What the benches that time real HTTP share: both listeners of one store on loopback, with the
 * per-client page limit lifted (one bench client asks for hundreds of pages a minute, and a 429
 * is not what they measure), and series of requests timed one after another.
 */
import { buildPublicApp, buildStaffApp } from "../src/server/app.js";
import type { AppContext } from "../src/server/context.js";
import { percentile } from "./table.js";

export async function listenBoth(ctx: AppContext) {
  process.env.INTAKE_PAGES_PER_CLIENT = "1000000";
  const staff = await buildStaffApp(ctx);
  const pub = await buildPublicApp(ctx);
  const staffUrl = await staff.listen({ host: "127.0.0.1", port: 0 });
  const pubUrl = await pub.listen({ host: "127.0.0.1", port: 0 });
  return {
    staff,
    pub,
    staffUrl,
    pubUrl,
    async close() {
      await staff.close();
      await pub.close();
    },
  };
}

/** A GET read to its end; anything but a 200 stops the bench (a refusal is not a timing). */
export async function timedGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - t0;
}

/** `fn` n times, one after another: p50 and p99 in ms. */
export async function timedSeries(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}
