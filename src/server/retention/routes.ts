import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import * as s from "../../shared/api/retention.js";
import { decideRuleChange, listProposals, proposalById, proposeRuleChange, readRules } from "./rules.js";
import { placeHold, liftHold, listHolds } from "./holds.js";
import { runRetention } from "./run.js";
import { presentDue, presentHold, presentProposal, presentRule } from "./present.js";

const idParams = z.object({ id: z.string().uuid() });
const numberParams = z.object({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** Retention: the rules and their four-eyes changes, the dry run, and legal holds. */
export function registerRetentionRoutes(app: BaseApp, ctx: AppContext) {
  app.get("/api/retention", { config: { grant: needs("retention", "read") }, schema: { tags: ["retention"], summary: "Retention rules in force and recent proposals", response: { 200: s.retentionSettingsSchema } } }, async () => ({
    rules: (await readRules(ctx.db)).map(presentRule),
    proposals: (await listProposals(ctx.db)).map(presentProposal),
  }));

  app.post("/api/retention/proposals", { config: { grant: needs("retention", "propose") }, schema: { tags: ["retention"], summary: "Propose a new period for a rule (a second administrator approves)", body: s.proposalBodySchema, response: { 201: s.proposalSchema } } }, async (req, reply) =>
    reply.status(201).send(presentProposal(await proposalById(ctx.db, await proposeRuleChange(ctx, staffOf(req).user, req.body)))),
  );

  app.post(
    "/api/retention/proposals/:id/decision",
    { config: { grant: needs("retention", "approve") }, schema: { tags: ["retention"], summary: "Approve or refuse another administrator's proposal", params: idParams, body: s.decisionBodySchema, response: { 200: s.proposalSchema } } },
    async (req) => presentProposal(await proposalById(ctx.db, await decideRuleChange(ctx, staffOf(req).user, req.params.id, req.body.outcome))),
  );

  app.get("/api/retention/dry-run", { config: { grant: needs("retention", "read") }, schema: { tags: ["retention"], summary: "What the next retention run would purge (case numbers and rules only)", response: { 200: s.dryRunSchema } } }, async () => {
    const run = await runRetention(ctx, { dryRun: true });
    return { asOf: run.asOf.toISOString(), items: run.items.map(presentDue), held: run.held };
  });

  app.get("/api/retention/holds", { config: { grant: needs("retention", "hold") }, schema: { tags: ["retention"], summary: "Cases under a legal hold", response: { 200: z.array(s.holdSchema) } } }, async () => (await listHolds(ctx)).map(presentHold));

  app.put(
    "/api/retention/holds/:number",
    { config: { grant: needs("retention", "hold") }, schema: { tags: ["retention"], summary: "Place a legal hold on a case (by its number)", params: numberParams, body: s.holdBodySchema, response: { 200: s.holdSchema } } },
    async (req) => presentHold(await placeHold(ctx, staffOf(req).user, req.params.number, req.body.reason)),
  );

  app.delete("/api/retention/holds/:number", { config: { grant: needs("retention", "hold") }, schema: { tags: ["retention"], summary: "Lift a legal hold", params: numberParams } }, async (req, reply) => {
    await liftHold(ctx, staffOf(req).user, req.params.number);
    return reply.status(204).send();
  });
}
