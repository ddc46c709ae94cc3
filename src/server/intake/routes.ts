import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import type { BaseApp } from "../http/base.js";
import { wipe } from "../crypto/secure.js";
import { CATALOGS, fill, langOf, pageHref } from "./i18n.js";
import { loadIntakeSettings } from "./settings.js";
import { FloodGuard } from "./flood.js";
import { SpentChallenges, issueChallenge, verifySolution } from "./pow.js";
import { POW_SCRIPT } from "./pow-script.js";
import { FormBodyError, parseFormBody, type FormValues } from "./form-body.js";
import { EMPTY_FORM, LIMITS, REPLY_FORM, REQUEST_FORM, RETURN_FORM, textValue, validateRequest, type FieldErrors } from "./schema.js";
import { submitWebRequest } from "./submit.js";
import { APPLICANT_COOKIE, endApplicantSession, openCaseWithReceipt, resumeApplicantSession, startApplicantSession } from "./applicant-session.js";
import { addApplicantReply, readApplicantThread } from "./applicant-thread.js";
import { compress, negotiateEncoding } from "./compress.js";
import { problemPage, type PageContext, type ProblemKind } from "./views/layout.js";
import { homePage, instructionsPage } from "./views/info.js";
import { donePage, requestPage } from "./views/request.js";
import { leftPage, returnPage, threadPage } from "./views/return.js";

/** Largest form body: a 4,000-character Cyrillic message is ~24 KB once percent-encoded. */
const BODY_LIMIT = 64 * 1024;
const TEN_MINUTES = 10 * 60_000;

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
  const spent = new SpentChallenges();
  const powKey = ctx.keys.subkey("ratelimit");
  // One ceiling on code checks for all clients together, beside the per-client limit.
  const returnCeiling = app.createRateLimit({ keyGenerator: () => "intake-return-all", max: settings.returnsGlobalPerMinute, timeWindow: 60_000 });

  const pageLimit = { rateLimit: { max: settings.pagesPerClient, timeWindow: 60_000 } };

  const page = (req: FastifyRequest, reply: FastifyReply, path: string): PageContext => {
    const lang = langOf(req.query);
    return { lang, t: CATALOGS[lang], nonce: reply.cspNonce ?? { script: "", style: "" }, path, settings, now: ctx.now() };
  };

  const send = (req: FastifyRequest, reply: FastifyReply, status: number, body: string, opts: { compress: boolean }) => {
    let payload: Buffer = Buffer.from(body, "utf8");
    void reply.status(status).type("text/html; charset=utf-8");
    if (opts.compress) {
      void reply.header("Vary", "Accept-Encoding");
      const encoding = negotiateEncoding(req.headers["accept-encoding"]);
      if (encoding) {
        payload = compress(payload, encoding);
        void reply.header("Content-Encoding", encoding);
      }
    }
    return reply.send(payload);
  };

  const challengeNow = (): string | null => {
    const bits = flood.difficulty();
    return bits ? issueChallenge(powKey, bits, Date.now()) : null;
  };

  /** While the switch is on: a valid, unused solution of at least (current difficulty − 2) bits. */
  const powRefused = (values: FormValues): boolean => {
    const bits = flood.difficulty();
    if (!bits) return false;
    const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
    return verifySolution(powKey, str("pow_challenge"), str("pow_nonce"), Math.max(settings.powBaseBits, bits - 2), Date.now(), spent) !== "ok";
  };

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
      const status = err instanceof FormBodyError ? 400 : typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
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

    scope.get("/instructions", { config: pageLimit }, async (req, reply) => send(req, reply, 200, instructionsPage(page(req, reply, "/instructions")), { compress: true }));

    scope.get("/request", { config: pageLimit }, async (req, reply) =>
      send(req, reply, 200, requestPage(page(req, reply, "/request"), { values: {}, errors: {}, challenge: challengeNow() }), { compress: true }),
    );

    scope.post("/request", { config: { rateLimit: { max: settings.requestsPerClient, timeWindow: TEN_MINUTES } } }, async (req, reply) => {
      flood.record();
      const p = page(req, reply, "/request");
      const values = parseFormBody(bodyOf(req), REQUEST_FORM);
      const refusedPow = powRefused(values);
      const checked = validateRequest(values);
      const retry = (status: number, errors: FieldErrors) => send(req, reply, status, requestPage(p, { values, errors, challenge: challengeNow() }, "retry"), { compress: true });
      if (!checked.ok || refusedPow) {
        const errors: FieldErrors = checked.ok ? {} : checked.errors;
        if (refusedPow) errors._form = { key: "pow" };
        return retry(400, errors);
      }
      if (!flood.tryEnter()) return retry(503, { _form: { key: "busy" } });
      let submitted: Awaited<ReturnType<typeof submitWebRequest>>;
      try {
        submitted = await submitWebRequest(ctx, checked.value, p.lang);
      } catch (err) {
        // Not stored: give him his form back rather than a bare error, so nothing he typed is lost.
        req.log.error({ err }, "web request could not be recorded");
        return retry(503, { _form: { key: "busy" } });
      } finally {
        flood.leave();
      }
      // The case is committed: from here on he is shown his code whatever happens to the session.
      try {
        setCookie(reply, await startApplicantSession(ctx, submitted.caseId, submitted.caseKey));
      } catch (err) {
        req.log.error({ err }, "applicant session could not be started");
      } finally {
        wipe(submitted.caseKey);
      }
      return send(req, reply, 201, donePage(p, submitted.receiptCode, checked.value.receipt), { compress: false });
    });

    scope.get("/return", { config: pageLimit }, async (req, reply) => {
      const p = page(req, reply, "/return");
      const cookie = req.cookies[APPLICANT_COOKIE];
      const session = await resumeApplicantSession(ctx, cookie);
      if (!session) {
        if (cookie) clearCookie(reply);
        return send(req, reply, 200, returnPage(p, { notice: cookie ? "expired" : null, challenge: challengeNow() }), { compress: !cookie });
      }
      try {
        const thread = await readApplicantThread(ctx, session);
        if (!thread) {
          clearCookie(reply);
          return send(req, reply, 200, returnPage(p, { notice: null, challenge: challengeNow() }), { compress: false });
        }
        return send(req, reply, 200, threadPage(p, thread, { sent: (req.query as Record<string, unknown>).sent === "1" }), { compress: false });
      } finally {
        wipe(session.caseKey);
      }
    });

    scope.post("/return", { config: { rateLimit: { max: settings.returnsPerClient, timeWindow: TEN_MINUTES } } }, async (req, reply) => {
      flood.record();
      const p = page(req, reply, "/return");
      const values = parseFormBody(bodyOf(req), RETURN_FORM);
      const code = typeof values.code === "string" ? values.code : "";
      const pending = textValue(values, "message");
      if (code.length > LIMITS.code || (pending?.length ?? 0) > LIMITS.message) throw new FormBodyError("too_long");
      const again = (status: number, notice: Parameters<typeof returnPage>[1]["notice"]) =>
        send(req, reply, status, returnPage(p, { notice, challenge: challengeNow(), ...(pending ? { pending } : {}) }), { compress: false });
      if (powRefused(values)) return again(400, "pow");
      const ceiling = await returnCeiling(req);
      if (!ceiling.isAllowed && ceiling.isExceeded) {
        void reply.header("Retry-After", String(ceiling.ttlInSeconds));
        throw Object.assign(new Error("too many code checks"), { statusCode: 429 });
      }
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

    scope.post("/return/reply", { config: { rateLimit: { max: settings.repliesPerClient, timeWindow: TEN_MINUTES } } }, async (req, reply) => {
      const p = page(req, reply, "/return");
      const values = parseFormBody(bodyOf(req), REPLY_FORM);
      const message = textValue(values, "message");
      const session = await resumeApplicantSession(ctx, req.cookies[APPLICANT_COOKIE]);
      if (!session) {
        if (req.cookies[APPLICANT_COOKIE]) clearCookie(reply);
        if ((message?.length ?? 0) > LIMITS.message) throw new FormBodyError("too_long");
        return send(req, reply, 401, returnPage(p, { notice: "expired", challenge: challengeNow(), ...(message ? { pending: message } : {}) }), { compress: false });
      }
      try {
        const tooLong = (message?.length ?? 0) > LIMITS.message;
        if (!message || tooLong) {
          const thread = await readApplicantThread(ctx, session);
          if (!thread) throw Object.assign(new Error("case gone"), { statusCode: 404 });
          const error = tooLong ? fill(p.t.errors.tooLong, { n: LIMITS.message }) : p.t.errors.messageEmpty;
          return send(req, reply, 400, threadPage(p, thread, { sent: false, error, ...(message ? { draft: message } : {}) }), { compress: false });
        }
        await addApplicantReply(ctx, session, message);
        return reply.redirect(pageHref("/return", p.lang, "sent=1"), 303);
      } finally {
        wipe(session.caseKey);
      }
    });

    scope.post("/return/leave", { config: pageLimit }, async (req, reply) => {
      parseFormBody(bodyOf(req), EMPTY_FORM);
      const session = await resumeApplicantSession(ctx, req.cookies[APPLICANT_COOKIE]);
      if (session) {
        wipe(session.caseKey);
        await endApplicantSession(ctx, session.idHash);
      }
      clearCookie(reply);
      // Ask the browser to drop whatever it kept of this site: cookies, cache, storage.
      void reply.header("Clear-Site-Data", '"cache", "cookies", "storage"');
      return send(req, reply, 200, leftPage(page(req, reply, "/")), { compress: false });
    });

    scope.get("/pow.js", { config: pageLimit }, async (_req, reply) => reply.type("text/javascript; charset=utf-8").send(POW_SCRIPT));

    // Browsers ask for it by themselves; answering "nothing" keeps an icon of this site out of their cache.
    scope.get("/favicon.ico", { config: pageLimit }, async (_req, reply) => reply.status(204).send());
  });
}
