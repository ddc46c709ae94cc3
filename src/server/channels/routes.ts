import { z } from "zod";
import type { AppContext } from "../context.js";
import type { BaseApp } from "../http/base.js";
import { needs, staffOf } from "../auth/guard.js";
import { registerTelegramWebhook } from "./telegram/webhook.js";
import { registerWhatsAppWebhook } from "./whatsapp/webhook.js";
import { completeCallback, listCallbacks, listCalls, logCall, logCallSchema, questionnaireSchema } from "./phone/calls.js";
import { listDeliveries, redeliverReply } from "./outbox/deliveries.js";

/** Channel webhooks, on the public listener (each only when its channel is configured). */
export async function registerChannelWebhooks(app: BaseApp, ctx: AppContext): Promise<void> {
  registerTelegramWebhook(app, ctx);
  await registerWhatsAppWebhook(app, ctx);
}

const caseQuery = z.object({ caseId: z.string().uuid() });
const idParams = z.object({ id: z.string().uuid() });

const callSchema = z.object({
  id: z.string(),
  calledAt: z.string(),
  operatorId: z.string(),
  direction: z.enum(["in", "out"]),
  callbackNumber: z.string().nullable(),
  summary: z.string(),
  questionnaire: questionnaireSchema,
});
const callbackSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.number(),
  caseState: z.string(),
  callId: z.string().nullable(),
  dueAt: z.string(),
  overdue: z.boolean(),
  assignedUserId: z.string().nullable(),
});
const deliverySchema = z.object({
  id: z.string(),
  kind: z.string(),
  messageId: z.string().nullable(),
  state: z.string(),
  attempts: z.number(),
  lastErrorCode: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  doneAt: z.string().nullable(),
});

/** Phone calls, callbacks and delivery states: staff API on the staff listener (the guard applies to /api/*). */
export function registerChannelStaffRoutes(app: BaseApp, ctx: AppContext): void {
  app.post(
    "/api/calls",
    {
      config: { grant: needs("case", "create") }, schema: {
        tags: ["channels"],
        summary: "Log a phone call: joins the named case, or the caller's known number's case, or opens a new one; optionally a callback task",
        body: logCallSchema,
        response: { 201: z.object({ callId: z.string(), caseId: z.string().nullable(), joined: z.enum(["case", "number", "new"]), callbackId: z.string().nullable() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await logCall(ctx, staffOf(req), req.body)),
  );

  app.get("/api/calls", { config: { grant: needs("case", "read") }, schema: { tags: ["channels"], summary: "A case's calls (decrypted; audited)", querystring: caseQuery, response: { 200: z.array(callSchema) } } }, async (req) =>
    listCalls(ctx, staffOf(req), req.query.caseId),
  );

  app.get(
    "/api/callbacks",
    {
      config: { grant: needs("case", "list") }, schema: {
        tags: ["channels"],
        summary: "Open callback tasks in your scope, soonest first",
        querystring: z.object({ due: z.enum(["now", "all"]).default("all") }),
        response: { 200: z.array(callbackSchema) },
      },
    },
    async (req) => listCallbacks(ctx, staffOf(req).user, { dueOnly: req.query.due === "now" }),
  );

  app.post("/api/callbacks/:id/done", { config: { grant: needs("case", "note") }, schema: { tags: ["channels"], summary: "Mark a callback done", params: idParams } }, async (req, reply) => {
    await completeCallback(ctx, staffOf(req), req.params.id);
    return reply.status(204).send();
  });

  app.get(
    "/api/channels/deliveries",
    { config: { grant: needs("case", "read") }, schema: { tags: ["channels"], summary: "Delivery state of a case's outgoing messages and fetched files", querystring: caseQuery, response: { 200: z.array(deliverySchema) } } },
    async (req) => listDeliveries(ctx, staffOf(req).user, req.query.caseId),
  );

  app.post(
    "/api/channels/deliveries/:messageId/retry",
    { config: { grant: needs("case", "reply") }, schema: { tags: ["channels"], summary: "Send a failed reply again", params: z.object({ messageId: z.string().uuid() }), body: caseQuery } },
    async (req, reply) => {
      await redeliverReply(ctx, staffOf(req), req.body.caseId, req.params.messageId);
      return reply.status(202).send();
    },
  );
}
