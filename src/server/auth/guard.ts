import type { FastifyContextConfig, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { csrfTokenValid, resumeSession, type StaffSession } from "./sessions.js";
import { sessionLimits } from "./enrolment.js";
import { wipe } from "../crypto/secure.js";
import { keepTeamKeys, teamKeyWorkDue } from "../keys/admissions.js";
import { authorize, type Action, type Resource } from "../policy.js";

export const SESSION_COOKIE = "sp_staff";
export const CSRF_HEADER = "x-csrf-token";

/** Who may call a staff route: nobody signed in, a half-enrolled session, or a full one (default). */
export type RouteAccess = "public" | "enrol" | "full";

/** A grant of the policy table a route needs, checked by the guard before the handler runs. */
export type RouteGrant = { [R in Resource]: { resource: R; action: Action<R> } }[Resource];
export const needs = <R extends Resource>(resource: R, action: Action<R>) => ({ resource, action }) as RouteGrant;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * What a signed-in caller must hold: a grant of the policy table, or "session" where being
     * signed in is the rule (one's own account, the SLA targets the inbox shows) or where the
     * command decides by the input (the section written names its own grant).
     */
    grant?: RouteGrant | "session";
  }
  interface FastifyRequest {
    staff?: StaffSession;
    staffSessionId?: string;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * One guard for the whole staff API, run before validation: a route is closed unless it says
 * otherwise, so a new route cannot be left open by forgetting a check.
 */
export function staffGuard(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const access: RouteAccess = req.routeOptions.config?.access ?? "full";
    if (access === "public") return;
    const id = req.cookies[SESSION_COOKIE];
    const session = id ? await resumeSession(ctx.db, id, sessionLimits(ctx), ctx.now(), teamKeyWorkDue) : null;
    if (!session || !id) throw new AppError("unauthenticated", "sign in first");
    if (!SAFE_METHODS.has(req.method) && !csrfTokenValid(ctx.keys.subkey("csrf"), session.idHash, headerValue(req.headers[CSRF_HEADER]))) {
      wipe(session.privateKey);
      throw new AppError("csrf_failed", "missing or wrong CSRF token; reload the page");
    }
    if (access === "full" && session.stage !== "full") {
      wipe(session.privateKey);
      throw new AppError("enrolment_required", "set up two-factor authentication first");
    }
    req.staff = session;
    req.staffSessionId = id;
    // The one place a route's grant is checked (the onResponse hook wipes the key on a refusal too).
    const grant = req.routeOptions.config?.grant;
    if (grant && grant !== "session") authorize(session.user, grant.resource, grant.action as never);
    // A key holder online does what the server alone cannot: rotate a team key after a member
    // left, and (the first administrator, in trust) give a member-less team its founding member.
    // Admitting anyone else is a deliberate act of a team member (keys/admissions.ts).
    if (session.stage === "full" && session.answer) await keepTeamKeys(ctx.db, ctx.keys, { userId: session.user.id, privateKey: session.privateKey });
  };
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  grant: RouteGrant | "session" | null;
}
const declared = new WeakMap<object, DeclaredRoute[]>();

/**
 * Every staff API route must say who may call it: public, half-enrolled ("enrol"), or a grant
 * (or "session"). A route that says nothing fails when the app is built, not in production; the
 * list is kept for the test that walks every route (test/server/http/grants.test.ts).
 */
export function requireDeclaredAccess(app: { addHook(name: "onRoute", hook: (route: { method: string | string[]; url: string; config?: FastifyContextConfig }) => void): unknown }) {
  const list: DeclaredRoute[] = [];
  declared.set(app, list);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/")) return;
    const access = route.config?.access ?? "full";
    const grant = route.config?.grant ?? null;
    if (access === "full" && !grant) throw new Error(`${route.url}: a staff route declares its grant (config.grant) or its access`);
    if (access !== "full" && grant) throw new Error(`${route.url}: a ${access} route takes no grant`);
    for (const method of [route.method].flat()) list.push({ method, url: route.url, access, grant });
  });
}

export function declaredRoutes(app: object): readonly DeclaredRoute[] {
  return declared.get(app) ?? [];
}

/** The unlocked private key lives for one request: wipe it once the response is sent. */
export async function wipeRequestKeys(req: FastifyRequest) {
  if (req.staff) wipe(req.staff.privateKey);
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** The signed-in staff member of a guarded route (the guard guarantees it). */
export function staffOf(req: FastifyRequest): StaffSession {
  if (!req.staff) throw new AppError("unauthenticated", "sign in first");
  return req.staff;
}

export function setSessionCookie(reply: FastifyReply, ctx: AppContext, id: string) {
  void reply.setCookie(SESSION_COOKIE, id, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: ctx.config.secureCookies,
  });
}

export function clearSessionCookie(reply: FastifyReply, ctx: AppContext) {
  void reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict", secure: ctx.config.secureCookies });
}
