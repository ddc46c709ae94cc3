import type { AppContext } from "../context.js";

/**
 * What /readyz checks beyond the database: each part that a running server starts (the job
 * runner, today) registers a probe here, so a load balancer and an operator see which one is down.
 */
type Probe = () => Promise<void>;
const probes = new WeakMap<AppContext, Map<string, Probe>>();

export function addReadinessProbe(ctx: AppContext, name: string, probe: Probe) {
  let m = probes.get(ctx);
  if (!m) probes.set(ctx, (m = new Map()));
  m.set(name, probe);
}

/** Each registered part: "ok", or "down" when its probe throws or takes longer than two seconds. */
export async function readinessOf(ctx: AppContext): Promise<Record<string, "ok" | "down">> {
  const out: Record<string, "ok" | "down"> = {};
  for (const [name, probe] of probes.get(ctx) ?? []) {
    out[name] = await Promise.race([probe().then(() => "ok" as const), new Promise<"down">((r) => setTimeout(() => r("down"), 2000).unref())]).catch(() => "down" as const);
  }
  return out;
}
