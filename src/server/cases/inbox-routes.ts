import { z } from "zod";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { CASE_STATES, CHANNELS, TEAMS, type CaseState, type TeamId } from "../../shared/case-states.js";
import { caseSummarySchema, inboxCountsSchema, inboxPageSchema, queueSchema, SEARCH_PAGE_SIZE } from "../../shared/api/cases.js";
import { presentInboxRow } from "./present.js";
import { inboxPreviews } from "./inbox-preview.js";
import { caseFlags } from "./flags.js";
import { inboxCounts, listInbox, queueStats } from "./inbox.js";
import { searchCases } from "./search.js";
import { COUNT_BOUND } from "./search-bounds.js";
import { readSla } from "./sla.js";

const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const text = (max: number) => z.string().trim().min(1).max(max).optional();

/** The inbox, its counters, the supervisor's queue and search. */
export function registerInboxRoutes(app: BaseApp, ctx: AppContext) {
  app.get(
    "/api/cases",
    {
      config: { grant: needs("case", "list") }, schema: {
        tags: ["cases"],
        summary: "The inbox: cases in your scope (closed, rejected and merged only when asked for by state); overdue and waiting first, then by latest activity; who and the last message for cases whose key you hold (audited)",
        querystring: z.object({
          state: z.enum(CASE_STATES).optional(),
          channel: z.enum(CHANNELS).optional(),
          team: z.enum(TEAMS).optional(),
          assigned: z.enum(["me", "none", "any"]).default("any"),
          overdue: flag.optional(),
          unread: flag.optional(),
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: inboxPageSchema },
      },
    },
    async (req) => {
      const session = staffOf(req);
      const me = session.user;
      const q = req.query;
      const page = await listInbox(ctx, me, {
        assigned: q.assigned,
        limit: q.limit,
        ...(q.state ? { state: q.state } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.team ? { team: q.team } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.unread ? { unread: true } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const previews = await inboxPreviews(ctx, session, page.items.map((i) => i.row));
      const flags = await caseFlags(ctx.db, page.items.map((i) => i.row.id));
      return { items: page.items.map(presentInboxRow(ctx.now(), previews, flags)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/api/cases/counts",
    {
      config: { grant: needs("case", "list") }, schema: {
        tags: ["cases"],
        summary: "Inbox counters: waiting, overdue, waiting on me, unread",
        response: { 200: inboxCountsSchema },
      },
    },
    async (req) => {
      const me = staffOf(req).user;
      return inboxCounts(ctx, me);
    },
  );

  app.get(
    "/api/cases/queue",
    {
      config: { grant: needs("case", "list") }, schema: {
        tags: ["cases"],
        summary: "The queue in numbers by team and state (no identities): the supervisor's view",
        response: { 200: queueSchema },
      },
    },
    async (req) => {
      const me = staffOf(req).user;
      const sla = await readSla(ctx.db);
      const rows = await queueStats(ctx, me, sla);
      return { sla, rows: rows.map(({ oldestOverdueMs, ...r }) => ({ ...r, teamId: r.teamId as TeamId, state: r.state as CaseState, oldestOverdueAt: oldestOverdueMs === null ? null : new Date(oldestOverdueMs).toISOString() })) };
    },
  );

  app.get(
    "/api/cases/search",
    {
      config: { grant: needs("case", "list") }, schema: {
        tags: ["cases"],
        summary: "Search by receipt code, blind-indexed identity (name, phone, service number, Telegram), state, channel, team, dates (audited); X-Total-Count says how many matched (at most 1,000), X-Search-Truncated: 1 when the search stopped at a bound, offset pages on; 503 when it runs past STAFF_QUERY_TIMEOUT_MS",
        querystring: z.object({
          receipt: text(200),
          name: text(200),
          phone: text(40),
          serviceNumber: text(40),
          telegram: text(64),
          state: z.enum(CASE_STATES).optional(),
          channel: z.enum(CHANNELS).optional(),
          team: z.enum(TEAMS).optional(),
          from: z.string().datetime({ offset: true }).optional(),
          to: z.string().datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(SEARCH_PAGE_SIZE),
          offset: z.coerce.number().int().min(0).max(COUNT_BOUND).default(0),
        }),
        response: { 200: z.array(caseSummarySchema) },
      },
    },
    async (req, reply) => {
      const me = staffOf(req).user;
      const { from, to, ...q } = req.query;
      const found = await searchCases(ctx, me, { ...q, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) });
      void reply.header("x-total-count", String(found.total));
      // The search stopped at a bound (search-bounds.ts): there may be more matches than shown or counted.
      if (found.truncated) void reply.header("x-search-truncated", "1");
      return found.rows.map(presentInboxRow(ctx.now(), undefined, await caseFlags(ctx.db, found.rows.map((r) => r.row.id))));
    },
  );
}
