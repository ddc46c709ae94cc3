import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import { sendAsDownload } from "../http/download.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { calendarDaySchema } from "../../shared/calendar-day.js";
import { CLAIM_STATES, assessmentSchema, claimChangeSchema, claimCreateSchema, correctionSchema, officerSchema, paymentSchema, rejectionSchema, reportQuerySchema, reversalSchema, scheduleProposalSchema } from "../../shared/rewards.js";
import { approveSchedule, proposeSchedule, schedulesOn } from "./schedule.js";
import { addOfficer, changeClaim, createClaim } from "./claims.js";
import { approveClaim, assessClaim, rejectClaim } from "./flow.js";
import { recordCorrection, recordPayment, recordReversal } from "./payments.js";
import { listClaims, readClaim } from "./view.js";
import { addClaimPhoto, listClaimPhotos, openClaimPhoto } from "./photos.js";
import { Readable } from "node:stream";
import { AppError } from "../errors.js";
import { MAX_ATTACHMENT_BYTES } from "../cases/index.js";
import { rewardsReport, reportCsv } from "./report.js";
import { caseOperationSchema, claimSchema, claimSummarySchema, presentCaseOperation, presentClaim, presentSchedule, presentSummary, scheduleSchema } from "./present.js";
import { operationsOfCase } from "./case-operations.js";

const tags = ["rewards"];
const idParams = z.object({ id: z.string().uuid() });
const created = { 201: z.object({ id: z.string() }) };
const seqOut = { 201: z.object({ seq: z.number().int() }) };

/** Rewards under law 7229: the schedule, the claims, the three people, the ledger, the report. */
export function registerRewardRoutes(app: BaseApp, ctx: AppContext) {
  app.get(
    "/api/rewards/schedule",
    { config: { grant: needs("reward_schedule", "read") }, schema: { tags, summary: "Every version of the schedule, newest first, with the one in force today or on a day", querystring: z.object({ on: calendarDaySchema.optional() }).strict(), response: { 200: z.object({ inForce: scheduleSchema, versions: z.array(scheduleSchema) }) } } },
    async (req) => {
      const { inForce, versions } = await schedulesOn(ctx.db, req.query.on ?? ctx.now().toISOString().slice(0, 10));
      return { inForce: presentSchedule(inForce), versions: versions.map(presentSchedule) };
    },
  );
  app.post(
    "/api/rewards/schedule",
    { config: { grant: needs("reward_schedule", "propose") }, schema: { tags, summary: "Enter a new version taking effect from a date (a second administrator approves it)", body: scheduleProposalSchema, response: created } },
    async (req, reply) => reply.status(201).send(await proposeSchedule(ctx, staffOf(req), req.body)),
  );
  app.post(
    "/api/rewards/schedule/:id/approve",
    { config: { grant: needs("reward_schedule", "approve") }, schema: { tags, summary: "Approve another administrator's version", params: idParams } },
    async (req, reply) => reply.status(204).send(await approveSchedule(ctx, staffOf(req), req.params.id)),
  );

  app.get(
    "/api/rewards/cases/:id/operations",
    { config: { grant: needs("reward_claim", "assess") }, schema: { tags, summary: "The operations a case is on, to link a claim to: id, state and the day once closed, never their details", params: idParams, response: { 200: z.array(caseOperationSchema) } } },
    async (req) => (await operationsOfCase(ctx, staffOf(req), req.params.id)).map(presentCaseOperation),
  );
  app.get(
    "/api/rewards/claims",
    { config: { grant: needs("reward_claim", "read") }, schema: { tags, summary: "The claims you may see (a secret claim only by the officers on it)", querystring: z.object({ caseId: z.string().uuid().optional(), state: z.enum(CLAIM_STATES).optional() }).strict(), response: { 200: z.array(claimSummarySchema) } } },
    async (req) => (await listClaims(ctx, staffOf(req), req.query)).map((r) => presentSummary(r.claim, r.caseNumber, r.state, r.money)),
  );
  app.post(
    "/api/rewards/claims",
    { config: { grant: needs("reward_claim", "assess") }, schema: { tags, summary: "Open a claim for one piece of equipment brought over", body: claimCreateSchema, response: created } },
    async (req, reply) => reply.status(201).send(await createClaim(ctx, staffOf(req), req.body)),
  );
  app.get(
    "/api/rewards/claims/:id",
    { config: { grant: needs("reward_claim", "read") }, schema: { tags, summary: "One claim with its details, inspection and ledger (audited)", params: idParams, response: { 200: claimSchema } } },
    async (req) => presentClaim(await readClaim(ctx, staffOf(req), req.params.id)),
  );
  app.patch(
    "/api/rewards/claims/:id",
    { config: { grant: needs("reward_claim", "assess") }, schema: { tags, summary: "Change the claim or record the inspection (voids any assessment and approvals)", params: idParams, body: claimChangeSchema } },
    async (req, reply) => reply.status(204).send(await changeClaim(ctx, staffOf(req), req.params.id, req.body)),
  );
  app.post(
    "/api/rewards/claims/:id/assess",
    { config: { grant: needs("reward_claim", "assess") }, schema: { tags, summary: "Fix the amount from the schedule (within a range: an amount and a reason)", params: idParams, body: assessmentSchema, response: { 200: z.object({ amountCents: z.number().int(), currency: z.string() }) } } },
    async (req) => assessClaim(ctx, staffOf(req), req.params.id, req.body),
  );
  app.post(
    "/api/rewards/claims/:id/approve",
    { config: { grant: needs("reward_claim", "approve") }, schema: { tags, summary: "Approve: first, then second (three different people with the assessor)", params: idParams, body: z.object({}).strict().optional(), response: { 200: z.object({ state: z.enum(CLAIM_STATES) }) } } },
    async (req) => approveClaim(ctx, staffOf(req), req.params.id),
  );
  app.post(
    "/api/rewards/claims/:id/reject",
    { config: { grant: needs("reward_claim", "approve") }, schema: { tags, summary: "Reject, with a reason", params: idParams, body: rejectionSchema } },
    async (req, reply) => reply.status(204).send(await rejectClaim(ctx, staffOf(req), req.params.id, req.body.reason)),
  );
  app.post(
    "/api/rewards/claims/:id/officers",
    { config: { grant: needs("reward_claim", "assess") }, schema: { tags, summary: "Name another reward officer on a secret claim", params: idParams, body: officerSchema } },
    async (req, reply) => reply.status(204).send(await addOfficer(ctx, staffOf(req), req.params.id, req.body.userId)),
  );
  app.post(
    "/api/rewards/claims/:id/payments",
    { config: { grant: needs("reward_ledger", "pay") }, schema: { tags, summary: "Record a payment (never more than the approved amount left)", params: idParams, body: paymentSchema, response: seqOut } },
    async (req, reply) => reply.status(201).send(await recordPayment(ctx, staffOf(req), req.params.id, req.body)),
  );
  app.post(
    "/api/rewards/claims/:id/reversals",
    { config: { grant: needs("reward_ledger", "pay") }, schema: { tags, summary: "Reverse a payment (returned, failed)", params: idParams, body: reversalSchema, response: seqOut } },
    async (req, reply) => reply.status(201).send(await recordReversal(ctx, staffOf(req), req.params.id, req.body)),
  );
  app.post(
    "/api/rewards/claims/:id/corrections",
    { config: { grant: needs("reward_ledger", "pay") }, schema: { tags, summary: "Lower the approved amount, with a reason", params: idParams, body: correctionSchema, response: seqOut } },
    async (req, reply) => reply.status(201).send(await recordCorrection(ctx, staffOf(req), req.params.id, req.body)),
  );

  // Photos of the inspection: a raw stream (application/octet-stream, parsed by the case attachment
  // routes' parser), encrypted as it arrives; downloaded only as a sandboxed file.
  app.post(
    "/api/rewards/claims/:id/photos",
    {
      config: { grant: needs("reward_claim", "assess") }, bodyLimit: MAX_ATTACHMENT_BYTES,
      schema: { tags, summary: "Add a photo of the inspection (raw body, application/octet-stream; name in X-File-Name, URL-encoded); only under inspection", params: idParams, headers: z.object({ "x-file-name": z.string().max(600).optional(), "x-file-type": z.string().max(100).optional() }), response: { 201: z.object({ id: z.string(), size: z.number() }) } },
    },
    async (req, reply) => {
      if (!(req.body instanceof Readable)) throw new AppError("unsupported_media_type", "send the photo itself as application/octet-stream");
      const name = decodedName(req.headers["x-file-name"] ?? "photo").slice(0, 255);
      const type = /^image\/[\w.+-]+$/.test(req.headers["x-file-type"] ?? "") ? req.headers["x-file-type"]! : "application/octet-stream";
      return reply.status(201).send(await addClaimPhoto(ctx, staffOf(req), req.params.id, req.body, { name, type }));
    },
  );
  app.get(
    "/api/rewards/claims/:id/photos",
    { config: { grant: needs("reward_claim", "read") }, schema: { tags, summary: "The photos of the inspection (audited)", params: idParams, response: { 200: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), size: z.number(), createdAt: z.string(), addedBy: z.string().nullable() })) } } },
    async (req) => listClaimPhotos(ctx, staffOf(req), req.params.id),
  );
  app.get(
    "/api/rewards/claims/:id/photos/:photoId",
    { config: { grant: needs("reward_claim", "read") }, schema: { tags, summary: "Download a photo (always as a download, sandboxed; audited)", params: idParams.extend({ photoId: z.string().uuid() }) } },
    async (req, reply) => {
      return sendAsDownload(reply, await openClaimPhoto(ctx, staffOf(req), req.params.id, req.params.photoId));
    },
  );

  const reportRow = z.object({ month: z.string(), equipment: z.string(), currency: z.string(), claims: z.number().int().nullable(), suppressed: z.boolean(), approvedCents: z.number().int().nullable(), paidCents: z.number().int().nullable() });
  app.get(
    "/api/rewards/report",
    { config: { grant: needs("reward_ledger", "report") }, schema: { tags, summary: "Totals approved and paid by equipment type and month (non-identifying: a cell of fewer claims than REWARDS_REPORT_MIN_CELL is suppressed; the range is widened to whole months); CSV with format=csv", querystring: reportQuerySchema, response: { 200: z.array(reportRow).or(z.string()) } } },
    async (req, reply) => {
      const rows = await rewardsReport(ctx, staffOf(req), req.query);
      if (req.query.format === "json") return rows;
      return reply.header("Content-Type", "text/csv; charset=utf-8").header("Content-Disposition", 'attachment; filename="rewards-report.csv"').send(reportCsv(rows, ctx.config.rewardsReportMinCell));
    },
  );
}

function decodedName(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return "photo";
  }
}
