import type { FastifyReply, FastifyRequest } from "fastify";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { BaseApp } from "../http/base.js";
import { teams } from "../db/schema.js";
import { wipe } from "../crypto/secure.js";
import { CATALOGS, fill, langOf, pageHref } from "./i18n.js";
import { loadIntakeSettings } from "./settings.js";
import { FloodGuard } from "./flood.js";
import { IntakeGate, type Refusal } from "./gate.js";
import { crossSite } from "./origin.js";
import { ARGON2_SCRIPT, POW_SCRIPT, POW_WORKER_CSP, POW_WORKER_SCRIPT } from "./pow-script.js";
import { FormBodyError, parseFormBody } from "./form-body.js";
import { CONFIRM_FORM, LEAVE_FORM, LIMITS, REPLY_FORM, REQUEST_FORM, RETURN_FORM, textValue, validateRequest, type FieldErrors } from "./schema.js";
import { submitWebRequest } from "./submit.js";
import { scheduleInForce } from "./choices.js";
import { APPLICANT_COOKIE, endApplicantSession, openCaseWithReceipt, resumeApplicantSession, startApplicantSession } from "./applicant-session.js";
import { addApplicantReply, confirmInstructions, readApplicantThread, type ApplicantThread } from "./applicant-thread.js";
import { sendCompressed } from "./compress.js";
import { problemPage, type PageContext, type ProblemKind } from "./views/layout.js";
import { homePage, instructionsPage } from "./views/info.js";
import { alreadySentPage, closedPage, donePage, requestPage } from "./views/request.js";
import { leftPage, returnPage, threadPage } from "./views/return.js";
import { isDatabaseUnavailable } from "../errors.js";
import { setPublicArgon2Limit, setPublicArgon2Nice } from "../crypto/argon2-lane.js";

/** `?before=` of an older page of the conversation: a message position, or "bad" (answered 400). */
const BEFORE = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
function beforeOf(query: unknown): number | undefined | "bad" {
  const v = typeof query === "object" && query !== null ? (query as Record<string, unknown>).before : undefined;
  if (v === undefined) return undefined;
  const r = BEFORE.safeParse(typeof v === "string" && /^\d{1,16}$/.test(v) ? v : "x");
  return r.success ? r.data : "bad";
}

/** Largest form body: a 4,000-character Cyrillic message is ~24 KB once percent-encoded. */
const BODY_LIMIT = 64 * 1024;

/**
 * The applicant's side of the public listener: server-rendered pages in Russian (Ukrainian and
 * English by `?lang=`), forms that work without scripts, receipt codes, the conversation, and
 * flood resistance. Every answer is an HTML page in his language, errors included; no cookie is
 * set before he submits something.
 */
export async function registerIntakeRoutes(app: BaseApp, ctx: AppContext): Promise<void> {
  const settings = loadIntakeSettings();
  const flood = new FloodGuard({
    mode: settings.floodMode,
    minPerMinute: settings.floodMinPerMinute,
    factor: settings.floodFactor,
    baseBits: settings.powBaseBits,
    maxBits: settings.powMaxBits,
    maxInFlight: settings.maxInFlight,
  });
  app.decorate("intakeFlood", flood);
  setPublicArgon2Limit(settings.argon2Threads);
  setPublicArgon2Nice(settings.argon2Nice);
  const gate = new IntakeGate(app, ctx, settings, flood);
  // Per-address page limits only where an address tells clients apart (not behind an onion service).
  const pageLimit: { rateLimit?: { max: number; timeWindow: number } } = ctx.config.publicClients.addressesIdentify ? { rateLimit: { max: settings.pagesPerClient, timeWindow: 60_000 } } : {};

  const page = (req: FastifyRequest, reply: FastifyReply, path: string): PageContext => {
    const lang = langOf(req.query);
    return { lang, t: CATALOGS[lang], nonce: reply.cspNonce ?? { script: "", style: "" }, path, settings, now: ctx.now() };
  };

  const send = (req: FastifyRequest, reply: FastifyReply, status: number, body: string, opts: { compress: boolean }) => {
    void reply.status(status).type("text/html; charset=utf-8");
    return opts.compress ? sendCompressed(req, reply, body) : reply.send(Buffer.from(body, "utf8"));
  };

  /** Refusals every form shares; the others (stale, pow, busy) give the form back. */
  const refuse = (req: FastifyRequest, reply: FastifyReply, r: Refusal) => {
    if (r.kind === "crossSite") return send(req, reply, 403, problemPage(page(req, reply, "/"), "crossSite"), { compress: true });
    if (r.kind === "limited") {
      void reply.header("Retry-After", String(r.retryAfter));
      throw Object.assign(new Error("rate limited"), { statusCode: 429 });
    }
    if (r.kind === "done") return send(req, reply, 409, alreadySentPage(page(req, reply, "/request")), { compress: true });
    return null;
  };
  const FORM_ERROR: Record<"stale" | "pow" | "busy", FieldErrors["_form"]> = { stale: { key: "expired" }, pow: { key: "pow" }, busy: { key: "busy" } };
  const STATUS = { stale: 400, pow: 400, busy: 503 } as const;

  // The intake team's key is made with the first administrator; until then nothing can be taken in.
  let open = false;
  const hotlineOpen = async () => (open ||= (await ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.id, "intake"))).length > 0);

  const setCookie = (reply: FastifyReply, value: string) =>
    void reply.setCookie(APPLICANT_COOKIE, value, { path: "/return", httpOnly: true, sameSite: "strict", secure: ctx.config.secureCookies });
  const clearCookie = (reply: FastifyReply) => void reply.clearCookie(APPLICANT_COOKIE, { path: "/return", httpOnly: true, sameSite: "strict", secure: ctx.config.secureCookies });

  const bodyOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

  await app.register(async (scope) => {
    // Only form posts: JSON, multipart or anything else gets 415 here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (req, body, done) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase();
      if (charset && charset !== "utf-8" && charset !== "utf8") {
        done(Object.assign(new Error("form bodies must be UTF-8"), { statusCode: 415 }), undefined);
        return;
      }
      done(null, body);
    });

    scope.setErrorHandler((err: unknown, req, reply) => {
      const e = err as { statusCode?: number; code?: string };
      const status = err instanceof FormBodyError ? 400 : isDatabaseUnavailable(err) ? 503 : typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
      // Never the body, the values or the code: only what kind of refusal it was.
      if (status >= 500) req.log.error({ err }, "applicant page failed");
      else req.log.info({ statusCode: status, problem: err instanceof FormBodyError ? err.problem : e.code }, "applicant request refused");
      const p = page(req, reply, "/");
      let kind: ProblemKind = "error";
      let vars: Record<string, number> = {};
      if (status === 413) kind = "tooLarge";
      else if (status === 429) {
        kind = "tooMany";
        vars = { minutes: Math.max(1, Math.ceil(Number(reply.getHeader("retry-after") ?? 60) / 60)) };
      } else if (status < 500) kind = "badForm";
      return send(req, reply, status, problemPage(p, kind, vars), { compress: true });
    });

    scope.get("/", { config: pageLimit }, async (req, reply) => send(req, reply, 200, homePage(page(req, reply, "/")), { compress: true }));

    scope.get("/instructions", { config: pageLimit }, async (req, reply) => send(req, reply, 200, instructionsPage(page(req, reply, "/instructions"), await scheduleInForce(ctx)), { compress: true }));

    scope.get("/request", { config: pageLimit }, async (req, reply) => {
      const p = page(req, reply, "/request");
      if (!(await hotlineOpen())) return send(req, reply, 503, closedPage(p), { compress: true });
      return send(req, reply, 200, requestPage(p, { values: {}, errors: {}, token: gate.issue("request") }, await scheduleInForce(ctx)), { compress: true });
    });

    scope.post("/request", async (req, reply) => {
      flood.record(); // every post counts toward switching the proof of work on, junk included
      const p = page(req, reply, "/request");
      const values = parseFormBody(bodyOf(req), REQUEST_FORM);
      const retry = async (status: number, errors: FieldErrors) => send(req, reply, status, requestPage(p, { values, errors, token: gate.issue("request") }, await scheduleInForce(ctx), "retry"), { compress: true });
      // 503: the service cannot take requests yet, and will once it is set up (RFC 9110, 15.6.4).
      if (!crossSite(req) && !(await hotlineOpen())) return retry(503, { _form: { key: "notOpen" } });
      const admitted = await gate.admit(req, values, "request");
      if (!admitted.ok) return refuse(req, reply, admitted) ?? retry(STATUS[admitted.kind as keyof typeof STATUS], { _form: FORM_ERROR[admitted.kind as keyof typeof FORM_ERROR] });
      const checked = validateRequest(values);
      if (!checked.ok) return retry(400, checked.errors);
      // Only types of the schedule he was shown: a version that dropped one no longer offers it.
      const offered = new Set((await scheduleInForce(ctx)).items.map((i) => i.code));
      if (checked.value.equipment.some((c) => !offered.has(c))) return retry(400, { equipment: { key: "choice" } });
      const paid = await gate.pay(req, values, admitted.token, "request");
      if (!paid.ok) return refuse(req, reply, paid) ?? retry(STATUS[paid.kind as keyof typeof STATUS], { _form: FORM_ERROR[paid.kind as keyof typeof FORM_ERROR] });
      const id = admitted.token.id;
      if (!flood.tryEnter()) {
        await gate.spent.release(id);
        return retry(503, { _form: { key: "busy" } });
      }
      let submitted: Awaited<ReturnType<typeof submitWebRequest>>;
      try {
        submitted = await submitWebRequest(ctx, checked.value, p.lang);
      } catch (err) {
        // Not stored: give him his form back rather than a bare error, so nothing he typed is lost.
        req.log.error({ err }, "web request could not be recorded");
        await gate.spent.release(id).catch(() => undefined);
        return retry(503, { _form: { key: "busy" } });
      } finally {
        flood.leave();
      }
      // The case is committed: from here on he is shown his code whatever happens to the session.
      let cookie: string | undefined;
      try {
        await gate.spent.markDone(id, ctx.now());
        cookie = await startApplicantSession(ctx, submitted.caseId, submitted.caseKey);
        setCookie(reply, cookie);
      } catch (err) {
        req.log.error({ err }, "applicant session could not be started");
      } finally {
        wipe(submitted.caseKey);
      }
      return send(req, reply, 201, donePage(p, submitted.receiptCode, checked.value.receipt, gate.issue("leave", cookie)), { compress: false });
    });

    const conversation = (req: FastifyRequest, reply: FastifyReply, p: PageContext, thread: ApplicantThread, cookie: string, opts: { sent: boolean; error?: string; draft?: string; status?: number }) =>
      send(req, reply, opts.status ?? 200, threadPage(p, thread, { ...opts, tokens: { reply: gate.issue("reply", cookie), leave: gate.issue("leave", cookie), confirm: gate.issue("confirm", cookie) } }), { compress: false });

    scope.get("/return", { config: pageLimit }, async (req, reply) => {
      const p = page(req, reply, "/return");
      const cookie = req.cookies[APPLICANT_COOKIE];
      const session = await resumeApplicantSession(ctx, cookie);
      if (!session || !cookie) {
        if (cookie) clearCookie(reply);
        return send(req, reply, 200, returnPage(p, { notice: cookie ? "expired" : null, token: gate.issue("return") }), { compress: !cookie });
      }
      try {
        const before = beforeOf(req.query);
        if (before === "bad") return send(req, reply, 400, problemPage(p, "badForm"), { compress: false });
        const thread = await readApplicantThread(ctx, session, before === undefined ? {} : { beforeSeq: before });
        if (!thread) {
          clearCookie(reply);
          return send(req, reply, 200, returnPage(p, { notice: null, token: gate.issue("return") }), { compress: false });
        }
        return conversation(req, reply, p, thread, cookie, { sent: (req.query as Record<string, unknown>).sent === "1" });
      } finally {
        wipe(session.caseKey);
      }
    });

    scope.post("/return", async (req, reply) => {
      flood.record();
      const p = page(req, reply, "/return");
      const values = parseFormBody(bodyOf(req), RETURN_FORM);
      const code = typeof values.code === "string" ? values.code : "";
      const pending = textValue(values, "message");
      if (code.length > LIMITS.code || (pending?.length ?? 0) > LIMITS.message) throw new FormBodyError("too_long");
      const again = (status: number, notice: Parameters<typeof returnPage>[1]["notice"]) =>
        send(req, reply, status, returnPage(p, { notice, token: gate.issue("return"), ...(pending ? { pending } : {}) }), { compress: false });
      const NOTICE = { stale: "stale", pow: "pow", busy: "busy" } as const;
      // Signing someone into a case from another site is refused here, before any work.
      const admitted = await gate.admit(req, values, "return");
      if (!admitted.ok) return refuse(req, reply, admitted) ?? again(STATUS[admitted.kind as keyof typeof STATUS], NOTICE[admitted.kind as keyof typeof NOTICE]);
      const paid = await gate.pay(req, values, admitted.token, "return");
      if (!paid.ok) return refuse(req, reply, paid) ?? again(STATUS[paid.kind as keyof typeof STATUS], NOTICE[paid.kind as keyof typeof NOTICE]);
      if (!flood.tryEnter()) return again(503, "busy");
      let outcome: Awaited<ReturnType<typeof openCaseWithReceipt>>;
      try {
        outcome = await openCaseWithReceipt(ctx, code);
      } finally {
        flood.leave();
      }
      if (outcome.kind === "malformed") return again(400, "malformed");
      // Wrong code and unknown code: one answer, after the same Argon2 work.
      if (outcome.kind === "refused") return again(401, "wrong");
      try {
        setCookie(reply, await startApplicantSession(ctx, outcome.caseId, outcome.caseKey));
        if (pending) await addApplicantReply(ctx, outcome, pending);
      } finally {
        wipe(outcome.caseKey);
      }
      return reply.redirect(pageHref("/return", p.lang, pending ? "sent=1" : ""), 303);
    });

    scope.post("/return/reply", async (req, reply) => {
      const p = page(req, reply, "/return");
      const values = parseFormBody(bodyOf(req), REPLY_FORM);
      const message = textValue(values, "message");
      const cookie = req.cookies[APPLICANT_COOKIE];
      const session = await resumeApplicantSession(ctx, cookie);
      if (!session || !cookie) {
        if (cookie) clearCookie(reply);
        if ((message?.length ?? 0) > LIMITS.message) throw new FormBodyError("too_long");
        if (crossSite(req)) return refuse(req, reply, { kind: "crossSite" });
        return send(req, reply, 401, returnPage(p, { notice: "expired", token: gate.issue("return"), ...(message ? { pending: message } : {}) }), { compress: false });
      }
      try {
        const admitted = await gate.admit(req, values, "reply", cookie);
        const tooLong = (message?.length ?? 0) > LIMITS.message;
        if (!admitted.ok && admitted.kind !== "stale") return refuse(req, reply, admitted);
        if (!admitted.ok || !message || tooLong) {
          const thread = await readApplicantThread(ctx, session);
          if (!thread) throw Object.assign(new Error("case gone"), { statusCode: 404 });
          const error = !admitted.ok ? p.t.errors.expired : tooLong ? fill(p.t.errors.tooLong, { n: LIMITS.message }) : p.t.errors.messageEmpty;
          return conversation(req, reply, p, thread, cookie, { sent: false, error, status: 400, ...(message ? { draft: message } : {}) });
        }
        await addApplicantReply(ctx, session, message);
        return reply.redirect(pageHref("/return", p.lang, "sent=1"), 303);
      } finally {
        wipe(session.caseKey);
      }
    });

    // His "I confirm" under the instructions card. A stale form shows the page again, where the
    // button still is; nothing to confirm (the operation was closed meanwhile) is no error.
    scope.post("/return/confirm", { config: pageLimit }, async (req, reply) => {
      const p = page(req, reply, "/return");
      const values = parseFormBody(bodyOf(req), CONFIRM_FORM);
      const cookie = req.cookies[APPLICANT_COOKIE];
      const admitted = await gate.admit(req, values, "confirm", cookie);
      if (!admitted.ok && admitted.kind !== "stale") return refuse(req, reply, admitted);
      const session = await resumeApplicantSession(ctx, cookie);
      if (!session || !cookie) {
        if (cookie) clearCookie(reply);
        return send(req, reply, 401, returnPage(p, { notice: "expired", token: gate.issue("return") }), { compress: false });
      }
      try {
        if (admitted.ok) await confirmInstructions(ctx, session);
        return reply.redirect(pageHref("/return", p.lang), 303);
      } finally {
        wipe(session.caseKey);
      }
    });

    scope.post("/return/leave", { config: pageLimit }, async (req, reply) => {
      const values = parseFormBody(bodyOf(req), LEAVE_FORM);
      const cookie = req.cookies[APPLICANT_COOKIE];
      // Leaving needs a token bound to his session: a hostile page cannot end it for him.
      const admitted = await gate.admit(req, values, "leave", cookie);
      if (!admitted.ok && admitted.kind === "crossSite") return refuse(req, reply, admitted);
      if (admitted.ok) {
        const session = await resumeApplicantSession(ctx, cookie);
        if (session) {
          wipe(session.caseKey);
          await endApplicantSession(ctx, session.idHash);
        }
        clearCookie(reply);
        // Ask the browser to drop whatever it kept of this site: cookies, cache, storage.
        void reply.header("Clear-Site-Data", '"cache", "cookies", "storage"');
      }
      return send(req, reply, admitted.ok ? 200 : 400, leftPage(page(req, reply, "/")), { compress: false });
    });

    const script = (body: string) => async (req: FastifyRequest, reply: FastifyReply) => sendCompressed(req, reply.type("text/javascript; charset=utf-8"), body);
    scope.get("/pow.js", { config: pageLimit }, script(POW_SCRIPT));
    scope.get("/argon2.js", { config: pageLimit }, script(ARGON2_SCRIPT));
    const worker = script(POW_WORKER_SCRIPT);
    scope.get("/pow-worker.js", { config: pageLimit }, async (req, reply) => {
      void reply.header("Content-Security-Policy", POW_WORKER_CSP);
      return worker(req, reply);
    });

    // Browsers ask for it by themselves; answering "nothing" keeps an icon of this site out of their cache.
    scope.get("/favicon.ico", { config: pageLimit }, async (_req, reply) => reply.status(204).send());
  });
}
