import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { addStaffBodySchema, briefingSchema, confirmBodySchema, editBodySchema, escortBodySchema, ESCORT_STATES, operationDetailSchema, operationSummarySchema, outcomeBodySchema, planBodySchema } from "./schema.js";
import { addOperationStaff, planOperation } from "./plan.js";
import { listOperations, readOperation, unitBriefing } from "./read.js";
import { recordConfirmation, recordEscortState, sendInstructions } from "./run.js";
import { closeOperation } from "./close.js";
import { editOperation } from "./edit.js";
import { renderBriefingPdf } from "./briefing-pdf.js";

const idParams = z.object({ id: z.string().uuid() });
const ok = z.object({ ok: z.literal(true) });
const read = { grant: needs("rendezvous", "read") };
const write = { grant: needs("rendezvous", "write") };
const tags = ["operations"];

/**
 * The handover operations of the staff API. Every route needs a rendezvous grant (coordinators);
 * past it, every route opens the operation key, which exists only for the people on it: for
 * anyone else an operation is "not found", audited.
 */
export function registerOperationRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/operations", { config: read, schema: { tags, summary: "The coordinators' board (details only of operations you are on; audited)", response: { 200: z.object({ now: z.string(), items: z.array(operationSummarySchema) }) } } }, async (req) => listOperations(ctx, staffOf(req)));

  app.post("/api/operations", { config: write, schema: { tags, summary: "Plan an operation for one or more verified cases", body: planBodySchema, response: { 201: z.object({ id: z.string() }) } } }, async (req, reply) =>
    reply.status(201).send(await planOperation(ctx, staffOf(req), req.body)),
  );

  app.get("/api/operations/:id", { config: read, schema: { tags, summary: "One operation, for the people on it (audited)", params: idParams, response: { 200: operationDetailSchema } } }, async (req) => readOperation(ctx, staffOf(req), req.params.id));

  app.patch("/api/operations/:id", { config: write, schema: { tags, summary: "Change the details of an operation still in planning (sent whole; audited)", params: idParams, body: editBodySchema, response: { 200: ok } } }, async (req) =>
    editOperation(ctx, staffOf(req), req.params.id, req.body),
  );

  app.get("/api/operations/:id/briefing", { config: read, schema: { tags, summary: "The receiving unit's briefing: no names, no contacts (audited)", params: idParams, response: { 200: briefingSchema } } }, async (req) =>
    unitBriefing(ctx, staffOf(req), req.params.id),
  );

  app.get("/api/operations/:id/briefing.pdf", { config: read, schema: { tags, summary: "The same briefing as a printable PDF for the unit (audited)", params: idParams } }, async (req, reply) => {
    const pdf = await renderBriefingPdf(await unitBriefing(ctx, staffOf(req), req.params.id));
    return reply.header("Content-Type", "application/pdf").header("Content-Disposition", 'inline; filename="unit-briefing.pdf"').header("Cache-Control", "no-store").send(pdf);
  });

  app.post("/api/operations/:id/staff", { config: write, schema: { tags, summary: "Add a staff member by name to the operation (audited)", params: idParams, body: addStaffBodySchema, response: { 200: ok } } }, async (req) =>
    addOperationStaff(ctx, staffOf(req), req.params.id, req.body.userId),
  );

  app.post("/api/operations/:id/instructions", { config: write, schema: { tags, summary: "Send each applicant his instructions and queue his reminders", params: idParams, response: { 200: ok } } }, async (req) =>
    sendInstructions(ctx, staffOf(req), req.params.id),
  );

  app.post("/api/operations/:id/confirmations", { config: write, schema: { tags, summary: "Record an applicant's confirmation", params: idParams, body: confirmBodySchema, response: { 200: z.object({ confirmedAt: z.string() }) } } }, async (req) =>
    recordConfirmation(ctx, staffOf(req), req.params.id, req.body.caseId),
  );

  app.post("/api/operations/:id/escort", { config: write, schema: { tags, summary: "Record the escort's state, stamped now", params: idParams, body: escortBodySchema, response: { 200: z.object({ state: z.enum(ESCORT_STATES), at: z.string(), note: z.string() }) } } }, async (req) =>
    recordEscortState(ctx, staffOf(req), req.params.id, req.body.state, req.body.note),
  );

  app.post("/api/operations/:id/outcome", { config: write, schema: { tags, summary: "Close with the outcome: moves the cases, destroys the details", params: idParams, body: outcomeBodySchema, response: { 200: ok } } }, async (req) =>
    closeOperation(ctx, staffOf(req), req.params.id, req.body),
  );
}
