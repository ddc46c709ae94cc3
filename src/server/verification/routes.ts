import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { checkBody, handoverBody, hitsSchema, numbersSchema, panelSchema, queueSchema, rechecksQuery, rechecksSchema, removeWatchlistBody, reviewBody, stageReply, supervisionSchema, supervisorBody, watchlistAddBody, watchlistAddReply, watchlistSchema } from "../../shared/api/verification.js";
import { decideAsSupervisor, handOverToVerification, recordCheck, recordReview } from "./commands.js";
import { supervisionQueue, verificationPanel, verificationQueue } from "./view.js";
import { listWatchlistHits } from "./watchlist.js";
import { addWatchlistEntry, listWatchlist, removeFromWatchlist } from "./watchlist-entries.js";
import { readSettings, settingsSchema, updateSettings } from "./settings.js";
import { verificationNumbers } from "./numbers.js";
import { recheckQueue } from "./recheck-queue.js";

const idParams = z.object({ id: z.string().uuid() });
const tags = ["verification"];

/** Verification's staff API (issue 11): thin routes over the commands and views of this folder. */
export function registerVerificationRoutes(app: BaseApp, ctx: AppContext) {
  app.post("/api/cases/:id/verification/handover", { config: { grant: needs("case", "triage") }, schema: { tags, summary: "Send a preliminary surrender to the verification team", params: idParams, body: handoverBody } }, async (req, reply) => {
    await handOverToVerification(ctx, staffOf(req), req.params.id, req.body.reason);
    return reply.status(204).send();
  });

  app.get("/api/cases/:id/verification", { config: { grant: needs("verification", "read") }, schema: { tags, summary: "The case's verification panel", params: idParams, response: { 200: panelSchema } } }, async (req) => verificationPanel(ctx, staffOf(req), req.params.id));

  app.put(
    "/api/cases/:id/verification/checks/:item",
    { config: { grant: needs("verification", "review") }, schema: { tags, summary: "Record one checklist item", params: idParams.extend({ item: z.string().max(64) }), body: checkBody } },
    async (req, reply) => {
      await recordCheck(ctx, staffOf(req), req.params.id, req.params.item, req.body);
      return reply.status(204).send();
    },
  );

  app.post("/api/cases/:id/verification/reviews", { config: { grant: needs("verification", "review") }, schema: { tags, summary: "Record one verifier's decision", params: idParams, body: reviewBody, response: { 200: stageReply } } }, async (req) =>
    recordReview(ctx, staffOf(req), req.params.id, req.body),
  );

  app.post("/api/cases/:id/verification/decision", { config: { grant: needs("verification", "decide") }, schema: { tags, summary: "A supervisor decides a disagreement or signs off a high-risk verdict", params: idParams, body: supervisorBody, response: { 200: stageReply } } }, async (req) =>
    decideAsSupervisor(ctx, staffOf(req), req.params.id, req.body),
  );

  app.get("/api/verification/queue", { config: { grant: needs("verification", "read") }, schema: { tags, summary: "Cases in verification, by due time", response: { 200: queueSchema } } }, async (req) => verificationQueue(ctx, staffOf(req)));
  app.get("/api/verification/rechecks", { config: { grant: needs("verification", "read") }, schema: { tags, summary: "Verified cases due for a re-check: new information contradicts the verdict (a page, latest verdicts first)", querystring: rechecksQuery, response: { 200: rechecksSchema } } }, async (req) =>
    recheckQueue(ctx, staffOf(req).user, req.query),
  );
  app.get("/api/verification/supervision", { config: { grant: needs("verification", "decide") }, schema: { tags, summary: "Disagreements and high-risk sign-offs", response: { 200: supervisionSchema } } }, async (req) => supervisionQueue(ctx, staffOf(req)));
  app.get("/api/verification/numbers", { config: { grant: needs("verification", "decide") }, schema: { tags, summary: "The supervisor's numbers: time to decision, rejections by reason, agreement (Cohen's kappa), watchlist hits a week", response: { 200: numbersSchema } } }, async (req) =>
    verificationNumbers(ctx, staffOf(req).user),
  );
  app.get("/api/verification/hits", { config: { grant: needs("verification", "read") }, schema: { tags, summary: "Cases matching the watchlist", response: { 200: hitsSchema } } }, async (req) =>
    (await listWatchlistHits(ctx, staffOf(req).user)).map((h) => ({ ...h, listedAt: h.listedAt.toISOString() })),
  );
  app.get("/api/verification/watchlist", { config: { grant: needs("verification", "watchlist") }, schema: { tags, summary: "Watchlist entries (values only for verifiers holding the team key)", response: { 200: watchlistSchema } } }, async (req) =>
    listWatchlist(ctx, staffOf(req)),
  );
  app.post("/api/verification/watchlist", { config: { grant: needs("verification", "watchlist") }, schema: { tags, summary: "Put an identifier on the watchlist by hand", body: watchlistAddBody, response: { 201: watchlistAddReply } } }, async (req, reply) =>
    reply.status(201).send(await addWatchlistEntry(ctx, staffOf(req).user, req.body)),
  );
  app.post("/api/verification/watchlist/:id/remove", { config: { grant: needs("verification", "unlist") }, schema: { tags, summary: "Take an entry off, with a reason", params: idParams, body: removeWatchlistBody } }, async (req, reply) => {
    await removeFromWatchlist(ctx, staffOf(req).user, req.params.id, req.body.reason);
    return reply.status(204).send();
  });
  app.get("/api/verification/settings", { config: { grant: needs("verification", "configure") }, schema: { tags, summary: "Checklist, risk weights, threshold, SLA", response: { 200: settingsSchema } } }, async () => readSettings(ctx.db));
  app.put("/api/verification/settings", { config: { grant: needs("verification", "configure") }, schema: { tags, summary: "Change the verification rules", body: settingsSchema, response: { 200: settingsSchema } } }, async (req) => updateSettings(ctx, staffOf(req).user, req.body));
}
