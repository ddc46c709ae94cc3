import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from "./canned.js";
import { readSla, updateSla } from "./sla.js";
import { cannedBodySchema, slaBodySchema } from "../../shared/api/cases.js";

const cannedSchema = z.object({ id: z.string(), title: z.string(), body: z.string(), language: z.string(), position: z.number(), updatedAt: z.string() });
const cannedBody = cannedBodySchema;
const slaSchema = slaBodySchema;
const present = (r: Awaited<ReturnType<typeof listCannedReplies>>[number]) => ({ id: r.id, title: r.title, body: r.body, language: r.language, position: r.position, updatedAt: r.updatedAt.toISOString() });
const idParams = z.object({ id: z.string().uuid() });

/** Data the administrators keep for the case work: canned replies and the response-time targets. */
export function registerCaseAdminRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/canned-replies", { config: { grant: needs("canned_reply", "read") }, schema: { tags: ["cases"], summary: "Canned replies, in picker order", response: { 200: z.array(cannedSchema) } } }, async (req) => {
    return (await listCannedReplies(ctx, staffOf(req).user)).map(present);
  });

  app.post("/api/canned-replies", { config: { grant: needs("canned_reply", "manage") }, schema: { tags: ["cases"], summary: "Add a canned reply", body: cannedBody, response: { 201: cannedSchema } } }, async (req, reply) => {
    return reply.status(201).send(present(await createCannedReply(ctx, staffOf(req).user, req.body)));
  });

  app.put("/api/canned-replies/:id", { config: { grant: needs("canned_reply", "manage") }, schema: { tags: ["cases"], summary: "Change a canned reply", params: idParams, body: cannedBody, response: { 200: cannedSchema } } }, async (req) => {
    return present(await updateCannedReply(ctx, staffOf(req).user, req.params.id, req.body));
  });

  app.delete("/api/canned-replies/:id", { config: { grant: needs("canned_reply", "manage") }, schema: { tags: ["cases"], summary: "Remove a canned reply", params: idParams } }, async (req, reply) => {
    await deleteCannedReply(ctx, staffOf(req).user, req.params.id);
    return reply.status(204).send();
  });

  // Every signed-in staff member may read the targets (the inbox shows them); only admins change them.
  app.get("/api/settings/sla", { config: { grant: "session" }, schema: { tags: ["settings"], summary: "Response-time targets", response: { 200: slaSchema } } }, async () => readSla(ctx.db));

  app.put("/api/settings/sla", { config: { grant: needs("settings", "manage") }, schema: { tags: ["settings"], summary: "Change the response-time targets", body: slaSchema, response: { 200: slaSchema } } }, async (req) => {
    return updateSla(ctx, staffOf(req).user, req.body);
  });
}
