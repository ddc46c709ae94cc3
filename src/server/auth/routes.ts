import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import { clientKey } from "../http/client-key.js";
import { AppError } from "../errors.js";
import { login } from "./login.js";
import { LoginThrottle, throttleAddress } from "./throttle.js";
import { acceptSetupLink, beginTotpEnrolment, confirmTotpEnrolment } from "./enrolment.js";
import { changePassword } from "./password-change.js";
import { findSetupLink } from "./setup-links.js";
import { clearSessionCookie, setSessionCookie, staffOf } from "./guard.js";
import { csrfTokenFor } from "./sessions.js";
import { signOut, signOutEverywhere } from "./logout.js";
import * as s from "./schema.js";
import { passwordChangeBodySchema, sessionInfoSchema } from "../../shared/api/auth.js";
import { capabilitiesOf } from "./capabilities.js";
import { z } from "zod";

const AUTH_RATE = { max: 20, timeWindow: "1 minute" };

export function registerAuthRoutes(app: BaseApp, ctx: AppContext) {
  const throttle = new LoginThrottle();
  const csrf = (idHash: Buffer) => csrfTokenFor(ctx.keys.subkey("csrf"), idHash);

  app.post(
    "/api/auth/login",
    { config: { access: "public", rateLimit: AUTH_RATE }, schema: { tags: ["auth"], summary: "Sign in with password and TOTP code", body: s.loginBody, response: { 200: s.sessionReply } } },
    async (req, reply) => {
      const r = await login(ctx, throttle, req.body, clientKey(throttleAddress(req.ip)));
      setSessionCookie(reply, ctx, r.session.id);
      return { stage: r.stage, csrfToken: csrf(r.session.idHash), user: r.user as z.infer<typeof s.sessionReply>["user"] };
    },
  );

  app.get(
    "/api/auth/session",
    { config: { access: "enrol" }, schema: { tags: ["auth"], summary: "The current session, its CSRF token and what the role may do", response: { 200: sessionInfoSchema } } },
    async (req) => {
      const session = staffOf(req);
      const { id, username, displayName, role } = session.user;
      return { stage: session.stage, csrfToken: csrf(session.idHash), user: { id, username, displayName, role }, capabilities: capabilitiesOf(role) };
    },
  );

  app.post("/api/auth/logout", { config: { access: "enrol" }, schema: { tags: ["auth"], summary: "Sign out of this session" } }, async (req, reply) => {
    await signOut(ctx, staffOf(req));
    clearSessionCookie(reply, ctx);
    return reply.status(204).send();
  });

  app.post("/api/auth/logout-all", { config: { access: "enrol" }, schema: { tags: ["auth"], summary: "Sign out everywhere" } }, async (req, reply) => {
    await signOutEverywhere(ctx, staffOf(req));
    clearSessionCookie(reply, ctx);
    return reply.status(204).send();
  });

  app.post(
    "/api/setup/inspect",
    {
      config: { access: "public", rateLimit: AUTH_RATE },
      schema: { tags: ["auth"], summary: "What a one-time setup link is for", body: s.setupInspectBody, response: { 200: z.object({ role: z.string(), username: z.string().nullable(), firstAdmin: z.boolean() }) } },
    },
    async (req) => {
      const link = await findSetupLink(ctx, req.body.token);
      if (!link) throw new AppError("not_found", "this link is not valid any more; ask an administrator for a new one");
      return { role: link.role, username: link.username, firstAdmin: link.purpose === "first_admin" };
    },
  );

  app.post(
    "/api/setup/accept",
    { config: { access: "public", rateLimit: AUTH_RATE }, schema: { tags: ["auth"], summary: "Create an account from a one-time link", body: s.setupAcceptBody, response: { 200: s.setupAcceptReply } } },
    async (req, reply) => {
      const r = await acceptSetupLink(ctx, req.body);
      setSessionCookie(reply, ctx, r.session.id);
      return { stage: "enrol" as const, csrfToken: csrf(r.session.idHash), recoveryKey: r.recoveryKey };
    },
  );

  app.post(
    "/api/auth/totp/begin",
    { config: { access: "enrol" }, schema: { tags: ["auth"], summary: "Start TOTP enrolment: secret and QR code", response: { 200: s.totpBeginReply } } },
    async (req) => beginTotpEnrolment(ctx, staffOf(req)),
  );

  app.post(
    "/api/auth/totp/confirm",
    { config: { access: "enrol" }, schema: { tags: ["auth"], summary: "Finish TOTP enrolment with a first code", body: s.totpConfirmBody, response: { 200: s.csrfReply } } },
    async (req, reply) => {
      const session = await confirmTotpEnrolment(ctx, staffOf(req), req.body.code);
      setSessionCookie(reply, ctx, session.id);
      return { stage: "full" as const, csrfToken: csrf(session.idHash) };
    },
  );

  app.post(
    "/api/auth/password",
    {
      config: { grant: "session", rateLimit: AUTH_RATE },
      schema: { tags: ["auth"], summary: "Change your password (your key is re-wrapped, nothing re-encrypted)", body: passwordChangeBodySchema, response: { 200: s.csrfReply } },
    },
    async (req, reply) => {
      const session = await changePassword(ctx, staffOf(req), req.body.current, req.body.next);
      setSessionCookie(reply, ctx, session.id);
      return { stage: staffOf(req).stage, csrfToken: csrf(session.idHash) };
    },
  );
}
