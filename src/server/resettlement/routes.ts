import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { boardSchema, cardSchema, guaranteeBody, memberBody, officerBody, stepBody, taskUpdateBody } from "../../shared/api/resettlement.js";
import { addGuarantee, addMember, addOfficer, addStep, updateTask } from "./commands.js";
import { readBoard, readCard } from "./read.js";

const caseParams = z.object({ id: z.string().uuid() });
const created = { 201: z.object({ id: z.string() }) };
const ok = { 200: z.object({ ok: z.literal(true) }) };
const read = { grant: needs("resettlement", "read") };
const write = { grant: needs("resettlement", "write") };
const tags = ["resettlement"];

/**
 * The law's other guarantees and the family (issue 14). Past the resettlement grant, every route
 * opens the case's file key, sealed only to the resettlement officers on the case: for anyone
 * else the case is "not found", audited.
 */
export function registerResettlementRoutes(app: BaseApp, ctx: AppContext) {
  const base = "/api/resettlement/cases/:id";
  app.get("/api/resettlement/board", { config: read, schema: { tags, summary: "Open tasks of the files you are on, overdue first (audited)", response: { 200: boardSchema } } }, async (req) => readBoard(ctx, staffOf(req)));
  app.get(base, { config: read, schema: { tags, summary: "The case's guarantees and family card (audited)", params: caseParams, response: { 200: cardSchema } } }, async (req) => readCard(ctx, staffOf(req), req.params.id));
  app.post(`${base}/officers`, { config: write, schema: { tags, summary: "Put another resettlement officer on the file (audited)", params: caseParams, body: officerBody, response: ok } }, async (req) => addOfficer(ctx, staffOf(req), req.params.id, req.body.userId));
  app.post(`${base}/guarantees`, { config: write, schema: { tags, summary: "Track a guarantee he asked for", params: caseParams, body: guaranteeBody, response: created } }, async (req, reply) =>
    reply.status(201).send(await addGuarantee(ctx, staffOf(req), req.params.id, req.body)),
  );
  app.post(`${base}/family`, { config: write, schema: { tags, summary: "Add a family member (sealed to the officers on the file)", params: caseParams, body: memberBody, response: created } }, async (req, reply) =>
    reply.status(201).send(await addMember(ctx, staffOf(req), req.params.id, req.body)),
  );
  app.post(`${base}/family/:memberId/steps`, { config: write, schema: { tags, summary: "Add a step to a family member's relocation plan", params: caseParams.extend({ memberId: z.string().uuid() }), body: stepBody, response: created } }, async (req, reply) =>
    reply.status(201).send(await addStep(ctx, staffOf(req), req.params.id, req.params.memberId, req.body)),
  );
  app.patch(`${base}/tasks/:taskId`, { config: write, schema: { tags, summary: "Move a task on, change its owner, day or notes", params: caseParams.extend({ taskId: z.string().uuid() }), body: taskUpdateBody, response: ok } }, async (req) =>
    updateTask(ctx, staffOf(req), req.params.id, req.params.taskId, req.body),
  );
}
