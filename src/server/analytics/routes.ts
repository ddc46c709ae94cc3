/** The dashboard API: thin routes, the grant checked by the guard and again inside each command. */
import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { analyticsEventSchema, chartParamsSchema, dashboardFilterSchema, dashboardSchema, impactQuerySchema, impactSchema, newEventSchema, reportQuerySchema } from "../../shared/api/analytics.js";
import { readDashboard } from "./dashboard.js";
import { chartCsv } from "./csv.js";
import { recordEvent } from "./events.js";
import { eventImpact } from "./event-impact.js";
import { monthReportPdf } from "./report.js";

export function registerAnalyticsRoutes(app: BaseApp, ctx: AppContext) {
  const read = { grant: needs("analytics", "read") };
  app.get(
    "/api/analytics/dashboard",
    { config: read, schema: { tags: ["analytics"], summary: "The dashboard's charts over a day range, optionally for one channel", querystring: dashboardFilterSchema, response: { 200: dashboardSchema } } },
    async (req) => readDashboard(ctx, staffOf(req).user, req.query),
  );

  app.get(
    "/api/analytics/export/:chart",
    { config: read, schema: { tags: ["analytics"], summary: "One chart's data as CSV, with the dashboard's filters", params: chartParamsSchema, querystring: dashboardFilterSchema } },
    async (req, reply) => {
      const csv = chartCsv(await readDashboard(ctx, staffOf(req).user, req.query), req.params.chart);
      void reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${req.params.chart}-${req.query.from}-${req.query.to}.csv"`);
      return csv;
    },
  );

  app.post(
    "/api/analytics/events",
    { config: { grant: needs("analytics", "record_event") }, schema: { tags: ["analytics"], summary: "Record an event (an operation, a campaign, an outage, a holiday) shown on every time chart", body: newEventSchema, response: { 201: analyticsEventSchema } } },
    async (req, reply) => reply.code(201).send(await recordEvent(ctx, staffOf(req).user, req.body)),
  );

  app.get(
    "/api/analytics/events/:id/impact",
    { config: read, schema: { tags: ["analytics"], summary: "The change in first contacts a day after an event, against a counterfactual, with a 95 % interval, a p-value and the change point", params: z.object({ id: z.string().uuid() }), querystring: impactQuerySchema, response: { 200: impactSchema } } },
    async (req) => {
      const q = req.query;
      return eventImpact(ctx, staffOf(req).user, req.params.id, { days: q.days, baselineDays: q.baselineDays, ...(q.channel ? { channel: q.channel } : {}) });
    },
  );

  app.get(
    "/api/analytics/report.pdf",
    { config: read, schema: { tags: ["analytics"], summary: "A month's report as PDF", querystring: reportQuerySchema } },
    async (req, reply) => {
      const pdf = await monthReportPdf(ctx, staffOf(req).user, req.query.month, req.query.lang);
      void reply.header("content-type", "application/pdf").header("content-disposition", `attachment; filename="report-${req.query.month}.pdf"`);
      return pdf;
    },
  );
}
