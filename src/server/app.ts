import type { AppContext } from "./context.js";
import { createBaseApp } from "./http/base.js";
import { registerOpenApi, registerOpenApiRoutes } from "./http/openapi.js";
import { requireDeclaredAccess, staffGuard, wipeRequestKeys } from "./auth/guard.js";
import { registerAuthRoutes } from "./auth/routes.js";
import { registerStaffRoutes } from "./staff/routes.js";
import { registerAuditRoutes } from "./oversight/audit-routes.js";
import { registerCaseRoutes } from "./cases/index.js";
import { registerRegistrationRoutes } from "./registration/routes.js";
import { registerIntakeRoutes } from "./intake/routes.js";
import { registerConsoleRoutes } from "./console/routes.js";
import { registerChannelStaffRoutes, registerChannelWebhooks } from "./channels/routes.js";
import { registerTeamRoutes } from "./teams/routes.js";
import { registerOperationRoutes } from "./operations/routes.js";
import { registerAdmissionRoutes } from "./teams/admission-routes.js";
import { registerRetentionRoutes } from "./retention/index.js";
import { instrument, registerMetricsRoute } from "./metrics/routes.js";
import { metricsFor } from "./metrics/metrics.js";
import { readinessOf } from "./metrics/readiness.js";
import { registerAnalyticsRoutes } from "./analytics/routes.js";
import { registerStatsPage } from "./analytics/stats-page.js";
import { registerVerificationRoutes } from "./verification/index.js";
import { registerResettlementRoutes } from "./resettlement/index.js";
import { registerRewardRoutes } from "./rewards/index.js";
import { applyStaffFirst, staffFirstFor } from "./http/staff-first.js";

/**
 * The staff listener: console and staff API. Kept on its own port so it can stay off the public
 * network, as SecureDrop keeps its journalist interface apart from the source interface.
 */
export async function buildStaffApp(ctx: AppContext) {
  const app = await createBaseApp({ log: ctx.log, db: ctx.db, imgSrc: ["data:"], readiness: () => readinessOf(ctx) });
  applyStaffFirst(app, staffFirstFor(ctx), "staff");
  instrument(app, ctx, "staff");
  await registerOpenApi(app);
  requireDeclaredAccess(app);
  app.addHook("onRequest", async (req, reply) => {
    if (req.routeOptions.url?.startsWith("/api/")) await staffGuard(ctx)(req, reply);
  });
  app.addHook("onResponse", wipeRequestKeys);
  registerOpenApiRoutes(app);
  registerAuthRoutes(app, ctx);
  registerStaffRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerCaseRoutes(app, ctx);
  registerRegistrationRoutes(app, ctx);
  registerChannelStaffRoutes(app, ctx);
  registerTeamRoutes(app, ctx);
  registerAdmissionRoutes(app, ctx);
  registerRetentionRoutes(app, ctx);
  registerOperationRoutes(app, ctx);
  registerVerificationRoutes(app, ctx);
  registerResettlementRoutes(app, ctx);
  registerRewardRoutes(app, ctx);
  registerConsoleRoutes(app, ctx);
  registerMetricsRoute(app, ctx);
  registerAnalyticsRoutes(app, ctx);
  return app;
}

/** The public listener: applicant pages and channel webhooks only. No staff route exists here. */
export async function buildPublicApp(ctx: AppContext) {
  const app = await createBaseApp({ log: ctx.log, db: ctx.db, trustProxy: ctx.config.publicClients.trustProxy, readiness: () => readinessOf(ctx), publicLane: true });
  instrument(app, ctx, "public");
  applyStaffFirst(app, staffFirstFor(ctx), "public");
  await registerIntakeRoutes(app, ctx);
  const flood = app.intakeFlood;
  if (flood) metricsFor(ctx).watchFlood(() => ({ mode: flood.getMode(), active: flood.active(), inFlight: flood.inFlightCount() }));
  await registerChannelWebhooks(app, ctx);
  registerStatsPage(app, ctx);
  return app;
}
