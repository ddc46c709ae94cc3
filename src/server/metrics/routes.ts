import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { constantTimeEqual } from "../crypto/random.js";
import { metricsFor } from "./metrics.js";

type Listener = "public" | "staff";

/** Count and time every answer of a listener, labelled by route pattern only (never the URL). */
export function instrument(app: BaseApp, ctx: AppContext, listener: Listener) {
  const m = metricsFor(ctx);
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    m.requests.inc({ listener, method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    m.latency.observe({ listener, route }, reply.elapsedTime / 1000);
  });
}

/**
 * GET /metrics on the staff listener, in Prometheus' text format. With METRICS_TOKEN set, only a
 * scraper sending it as a bearer token is answered; nothing in it names a person either way.
 */
export function registerMetricsRoute(app: BaseApp, ctx: AppContext) {
  const m = metricsFor(ctx);
  const token = ctx.config.metricsToken;
  app.get("/metrics", { schema: { hide: true } }, async (req, reply) => {
    if (token) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      if (!constantTimeEqual(Buffer.from(given), Buffer.from(token))) {
        return reply.status(401).send({ error: { code: "unauthenticated", message: "a metrics token is required" } });
      }
    }
    return reply.header("content-type", m.registry.contentType).send(await m.registry.metrics());
  });
}
