import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { CASE_STATES } from "../../shared/case-states.js";
import { CARD_COPIES, CARD_SENT_VIA, CHOICES, cardSentSchema, choiceWriteSchema, eventWriteSchema, exportRangeSchema, exportRunSchema, recordWriteSchema } from "../../shared/registration.js";
import { readRecord, saveRecord } from "./record.js";
import { printCard } from "./cards.js";
import { markCardSent } from "./card-sent.js";
import { recordFateEvent } from "./fate.js";
import { readChoice, recordChoice } from "./choice.js";
import { listRegister } from "./register.js";
import { approveExport, listExports, requestExport, runExport } from "./bureau-export.js";
import { auditGrantRefusals } from "./export-refusals.js";
import { presentRegistration, registerEntrySchema, registrationSchema } from "./present.js";

const caseParams = z.object({ id: z.string().uuid() });
const tags = ["registration"];

/** Prisoner-of-war registration (Geneva Convention III): the record, the cards, his fate, his choice, the bureau's list. */
export function registerRegistrationRoutes(app: BaseApp, ctx: AppContext) {
  app.get(
    "/api/registration/register",
    {
      config: { grant: needs("pow_registration", "read") },
      schema: { tags, summary: "The register: cases to register and registered, with the cards owed; by state, number, name (blind indexes) or cards", querystring: z.object({ state: z.enum(CASE_STATES).optional(), number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(), name: z.string().trim().min(2).max(200).optional(), cards: z.enum(["due", "overdue"]).optional() }).strict(), response: { 200: z.array(registerEntrySchema) } },
    },
    async (req) => listRegister(ctx, staffOf(req), req.query),
  );

  app.get(
    "/api/registration/cases/:id",
    { config: { grant: needs("pow_registration", "read") }, schema: { tags, summary: "His record, cards and timeline (audited)", params: caseParams, response: { 200: registrationSchema } } },
    async (req) => presentRegistration(await readRecord(ctx, staffOf(req), req.params.id), ctx.now()),
  );

  app.put(
    "/api/registration/cases/:id/record",
    { config: { grant: needs("pow_registration", "write") }, schema: { tags, summary: "Write the Art. 17/122 record, each field confirmed", params: caseParams, body: recordWriteSchema, response: { 200: z.object({ art17Complete: z.boolean(), missing: z.array(z.string()) }) } } },
    async (req) => saveRecord(ctx, staffOf(req), req.params.id, req.body),
  );

  app.post(
    "/api/registration/cases/:id/events",
    { config: { grant: needs("pow_registration", "write") }, schema: { tags, summary: "Record a dated event of his fate", params: caseParams, body: eventWriteSchema, response: { 201: z.object({ id: z.string(), newCard: z.boolean() }) } } },
    async (req, reply) => reply.status(201).send(await recordFateEvent(ctx, staffOf(req), req.params.id, req.body)),
  );

  app.post(
    "/api/registration/cases/:id/cards/:cardId/print",
    { config: { grant: needs("pow_registration", "write") }, schema: { tags, summary: "Print a capture card (PDF, Art. 70): the family's copy or the Central Tracing Agency's", params: caseParams.extend({ cardId: z.string().uuid() }), body: z.object({ copy: z.enum(CARD_COPIES) }).strict() } },
    async (req, reply) => {
      const pdf = await printCard(ctx, staffOf(req), req.params.id, req.params.cardId, req.body.copy);
      return reply
        .header("Content-Type", "application/pdf")
        .header("Content-Disposition", `inline; filename="capture-card-${req.body.copy}.pdf"`)
        .header("Cache-Control", "no-store")
        .send(pdf);
    },
  );

  app.post(
    "/api/registration/cases/:id/cards/:cardId/sent",
    { config: { grant: needs("pow_registration", "write") }, schema: { tags, summary: "Record that a copy of a card was sent (the day, the way, a note): only this stops its deadline", params: caseParams.extend({ cardId: z.string().uuid() }), body: cardSentSchema, response: { 200: z.object({ copy: z.enum(CARD_COPIES), sentOn: z.string(), via: z.enum(CARD_SENT_VIA) }) } } },
    async (req) => markCardSent(ctx, staffOf(req), req.params.id, req.params.cardId, req.body),
  );

  app.get(
    "/api/registration/cases/:id/choice",
    { config: { grant: needs("pow_choice", "read") }, schema: { tags, summary: "His choice, for a person it is sealed to (audited)", params: caseParams, response: { 200: z.object({ choice: z.enum(CHOICES), date: z.string(), words: z.string().optional(), updatedAt: z.string() }) } } },
    async (req) => {
      const c = await readChoice(ctx, staffOf(req), req.params.id);
      return { ...c, updatedAt: c.updatedAt.toISOString() };
    },
  );

  app.put(
    "/api/registration/cases/:id/choice",
    { config: { grant: needs("pow_choice", "write") }, schema: { tags, summary: "Record his choice, sealed to the people named", params: caseParams, body: choiceWriteSchema, response: { 200: z.object({ sealedTo: z.array(z.string()) }) } } },
    async (req) => recordChoice(ctx, staffOf(req), req.params.id, req.body),
  );

  const exportSchema = z.object({ id: z.string(), fromDate: z.string(), toDate: z.string(), requestedBy: z.string(), approvedBy: z.string().nullable(), approvedAt: z.string().nullable(), runAt: z.string().nullable(), createdAt: z.string() });
  app.get(
    "/api/registration/exports",
    { config: { grant: needs("pow_registration", "export") }, schema: { tags, summary: "The information bureau's exports asked for", response: { 200: z.array(exportSchema) } } },
    async (req) => (await listExports(ctx, staffOf(req))).map((e) => ({ ...e, approvedAt: e.approvedAt?.toISOString() ?? null, runAt: e.runAt?.toISOString() ?? null, createdAt: e.createdAt.toISOString() })),
  );
  app.post(
    "/api/registration/exports",
    { config: { grant: needs("pow_registration", "export") }, onError: auditGrantRefusals(ctx, "request"), schema: { tags, summary: "Ask for the bureau's list of a date range (a second registrar approves)", body: exportRangeSchema, response: { 201: z.object({ id: z.string() }) } } },
    async (req, reply) => reply.status(201).send(await requestExport(ctx, staffOf(req), req.body)),
  );
  app.post(
    "/api/registration/exports/:id/approve",
    { config: { grant: needs("pow_registration", "approve_export") }, onError: auditGrantRefusals(ctx, "approve"), schema: { tags, summary: "Approve another registrar's export", params: caseParams } },
    async (req, reply) => {
      await approveExport(ctx, staffOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    "/api/registration/exports/:id/run",
    { config: { grant: needs("pow_registration", "export") }, onError: auditGrantRefusals(ctx, "run"), schema: { tags, summary: "Run an approved export once: streamed, plain or encrypted to the bureau's key; never stored", params: caseParams, body: exportRunSchema } },
    async (req, reply) => {
      const out = await runExport(ctx, staffOf(req), req.params.id, req.body);
      const name = `bureau-${req.params.id.slice(0, 8)}.${req.body.format}${out.encrypted ? ".sp" : ""}`;
      return reply
        .header("Content-Type", out.encrypted ? "application/octet-stream" : req.body.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
        .header("Content-Disposition", `attachment; filename="${name}"`)
        .header("Cache-Control", "no-store")
        .header("X-Prisoners", String(out.count))
        .send(out.bytes);
    },
  );
}
