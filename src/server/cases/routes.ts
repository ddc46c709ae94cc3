import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { SECTION_NAMES } from "../../shared/sections.js";
import { assignBodySchema, assigneeSchema, mergeBodySchema, sectionWriteReply, staffTextBodySchema, transitionBodySchema, transitionReply } from "../../shared/api/case-core.js";
import { addStaffMessage } from "./thread.js";
import { assignCase } from "./lifecycle.js";
import { transitionCase } from "./transitions.js";
import { writeSection } from "./section-registry.js";
import { listAssignees } from "./assignees.js";
import { caseDetailSchema, duplicateSchema, presentCaseDetail, presentDuplicate } from "./present.js";
import { openCaseView } from "./view.js";
import { caseFlags } from "./flags.js";
import { findDuplicates } from "./duplicates.js";
import { mergeCase } from "./merge.js";
import { dueAtMsFor, readSla } from "./sla.js";
import { registerAttachmentRoutes } from "./attachment-routes.js";
import { registerInboxRoutes } from "./inbox-routes.js";
import { registerEventStream } from "./sse.js";
import { registerCaseAdminRoutes } from "./admin-routes.js";

const idParams = z.object({ id: z.string().uuid() });
const textBody = staffTextBodySchema;

/** Every case route of the staff API: the inbox, one case, its work, attachments, live events, admin data. */
export function registerCaseRoutes(app: BaseApp, ctx: AppContext) {
  registerInboxRoutes(app, ctx);
  registerAttachmentRoutes(app, ctx);
  registerEventStream(app, ctx);
  registerCaseAdminRoutes(app, ctx);

  app.get("/api/cases/:id", { config: { grant: needs("case", "read") }, schema: { tags: ["cases"], summary: "Open a case: sections, timeline, merged threads (audited)", params: idParams, response: { 200: caseDetailSchema } } }, async (req) => {
    // The response times and flags do not depend on the case key: read beside the case's first
    // reads (one round trip on the embedded store), and dropped unread if the case is refused.
    const [view, sla, flags] = await Promise.all([openCaseView(ctx, staffOf(req), req.params.id), readSla(ctx.db), caseFlags(ctx.db, [req.params.id])]);
    return presentCaseDetail(view, dueAtMsFor(view.row, sla), ctx.now(), flags.get(view.row.id));
  });

  app.post(
    "/api/cases/:id/replies",
    { config: { grant: needs("case", "reply") }, schema: { tags: ["cases"], summary: "Reply to the applicant on his channel", params: idParams, body: textBody, response: { 201: z.object({ id: z.string(), createdAt: z.string() }) } } },
    async (req, reply) => {
      const r = await addStaffMessage(ctx, staffOf(req), req.params.id, "reply", req.body.text);
      return reply.status(201).send({ id: r.id, createdAt: r.createdAt.toISOString() });
    },
  );

  app.post(
    "/api/cases/:id/notes",
    { config: { grant: needs("case", "note") }, schema: { tags: ["cases"], summary: "Add an internal note (never shown to the applicant)", params: idParams, body: textBody, response: { 201: z.object({ id: z.string(), createdAt: z.string() }) } } },
    async (req, reply) => {
      const r = await addStaffMessage(ctx, staffOf(req), req.params.id, "note", req.body.text);
      return reply.status(201).send({ id: r.id, createdAt: r.createdAt.toISOString() });
    },
  );

  app.post(
    "/api/cases/:id/transition",
    {
      config: { grant: needs("case", "transition") }, schema: {
        tags: ["cases"],
        summary: "Move a case to another state, with a reason",
        params: idParams,
        body: transitionBodySchema,
        response: { 200: transitionReply },
      },
    },
    async (req) => transitionCase(ctx, staffOf(req), req.params.id, req.body.to, req.body.reason),
  );

  app.post(
    "/api/cases/:id/assign",
    {
      config: { grant: needs("case", "assign") }, schema: {
        tags: ["cases"],
        summary: "Assign to a person (or nobody) and/or hand over to a team",
        params: idParams,
        body: assignBodySchema,
      },
    },
    async (req, reply) => {
      await assignCase(ctx, staffOf(req), req.params.id, { ...(req.body.userId !== undefined ? { userId: req.body.userId } : {}), ...(req.body.teamId ? { teamId: req.body.teamId } : {}) });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/cases/:id/duplicates",
    { config: { grant: needs("case", "read") }, schema: { tags: ["cases"], summary: "Cases sharing a blind index with this one (suggested duplicates)", params: idParams, response: { 200: z.array(duplicateSchema) } } },
    async (req) => (await findDuplicates(ctx, staffOf(req).user, req.params.id)).map(presentDuplicate),
  );

  app.post(
    "/api/cases/:id/merge",
    {
      config: { grant: needs("case", "merge") }, schema: {
        tags: ["cases"],
        summary: "Merge this case (a duplicate) into another; both histories are kept",
        params: idParams,
        body: mergeBodySchema,
        response: { 200: z.object({ source: z.string(), target: z.string() }) },
      },
    },
    async (req) => mergeCase(ctx, staffOf(req), req.params.id, req.body.into, req.body.reason),
  );

  app.put(
    "/api/cases/:id/sections/:section",
    {
      config: { grant: "session" }, schema: {
        tags: ["cases"],
        summary: "Write one section of a case (replaces it; the section registry checks the grant and the fields; audited without values)",
        params: idParams.extend({ section: z.enum(SECTION_NAMES as [string, ...string[]]) }),
        body: z.record(z.string(), z.unknown()),
        response: { 200: sectionWriteReply },
      },
    },
    async (req) => writeSection(ctx, staffOf(req), req.params.id, req.params.section, req.body),
  );

  app.get(
    "/api/cases/assignees",
    { config: { grant: needs("case", "assign") }, schema: { tags: ["cases"], summary: "Staff a case can be assigned to, with their teams", response: { 200: z.array(assigneeSchema) } } },
    async (req) => listAssignees(ctx, staffOf(req).user),
  );
}
