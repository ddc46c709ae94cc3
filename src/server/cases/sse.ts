import { and, eq } from "drizzle-orm";
import type { ServerResponse } from "node:http";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { needs, staffOf } from "../auth/guard.js";
import { sessionLimits } from "../auth/enrolment.js";
import type { SessionUser } from "../auth/sessions.js";
import { cases, sessions, users } from "../db/schema.js";
import { wipe } from "../crypto/secure.js";
import { caseScope } from "./access.js";
import { caseEventBus, stopCaseEventBus, type CaseEvent } from "./events.js";

const HEARTBEAT_MS = 25_000;
const SESSION_CHECK_MS = 30_000;

/** May this user see this case? The same scope as every query: an event outside it is never sent. */
async function inScope(ctx: AppContext, user: SessionUser, caseId: string): Promise<boolean> {
  const scope = caseScope(user);
  const rows = await ctx.db.select({ id: cases.id }).from(cases).where(scope ? and(eq(cases.id, caseId), scope) : eq(cases.id, caseId)).limit(1);
  return rows.length > 0;
}

/**
 * Is the session behind a stream still alive? Checked without touching it: an open tab must not
 * keep an idle session alive forever, and a sign-out, a disabled account or a role change (which
 * ends sessions) closes the stream within half a minute.
 */
async function sessionAlive(ctx: AppContext, idHash: Buffer): Promise<boolean> {
  const limits = sessionLimits(ctx);
  const now = ctx.now();
  const [row] = await ctx.db
    .select({ expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt, disabledAt: users.disabledAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  return !!row && !row.disabledAt && row.expiresAt > now && row.lastSeenAt.getTime() + limits.idleMinutes * 60_000 > now.getTime();
}

/**
 * GET /api/events: server-sent events for the console. Each event is `{type, caseId}` for a case
 * in the user's scope; the console refetches what it shows. No content ever goes down this pipe.
 */
export function registerEventStream(app: BaseApp, ctx: AppContext) {
  const open = new Set<ServerResponse>();
  // Streams never end by themselves: end them before the server waits for its connections.
  app.addHook("preClose", async () => {
    for (const res of open) res.end();
    open.clear();
  });
  app.addHook("onClose", async () => stopCaseEventBus(ctx));

  app.get("/api/events", { config: { grant: needs("case", "list") }, schema: { tags: ["cases"], summary: "Live updates (text/event-stream): ids and kinds of changed cases in your scope" } }, async (req, reply) => {
    const session = staffOf(req);
    // The stream needs no key: drop it now rather than when the (long) response ends.
    wipe(session.privateKey);
    const user = session.user;
    const idHash = session.idHash;
    const bus = caseEventBus(ctx);
    await bus.start();

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-accel-buffering": "no",
      connection: "keep-alive",
    });
    res.write("retry: 3000\n\n");
    open.add(res);

    let closed = false;
    // Events are checked and written in order, one at a time.
    let chain = Promise.resolve();
    const send = (event: CaseEvent) => {
      chain = chain
        .then(async () => {
          if (closed || !(await inScope(ctx, user, event.caseId))) return;
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        })
        .catch((err: unknown) => req.log.warn({ err, event: "case_event_send_failed" }, "case event not sent"));
    };
    const unsubscribe = bus.subscribe(send);
    const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
    const check = setInterval(() => {
      sessionAlive(ctx, idHash).then(
        (alive) => {
          if (!alive) {
            res.write("event: session.ended\ndata: {}\n\n");
            res.end();
          }
        },
        () => {},
      );
    }, SESSION_CHECK_MS);
    const cleanup = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(check);
      open.delete(res);
    };
    res.on("close", cleanup);
    req.log.info({ event: "case_events_stream_opened", listeners: bus.size }, "event stream opened");
  });
}
