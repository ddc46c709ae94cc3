import http from "node:http";
import Fastify, { type FastifyInstance, type FastifyError } from "fastify";
import helmet from "@fastify/helmet";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { sql } from "drizzle-orm";
import type { Logger } from "../log.js";
import type { Db } from "../db/index.js";
import { AppError, databaseUnavailable, isDatabaseUnavailable } from "../errors.js";
import type { ApiErrorBody } from "../../shared/errors.js";
import { clientKey } from "./client-key.js";
import { asPublicWork } from "../crypto/argon2-lane.js";

export type App = FastifyInstance & { withTypeProvider(): FastifyInstance };

export interface BaseOptions {
  log: Logger;
  db: Db;
  /** Extra CSP sources for the staff console's images (QR codes are data: URIs). */
  imgSrc?: string[];
  /** Public listener only: the proxies whose forwarded headers are believed (config PUBLIC_TRUST_PROXY). */
  trustProxy?: false | string[];
  bodyLimit?: number;
  /** More parts for /readyz to report, each "ok" or "down" (metrics/readiness.ts). */
  readiness?: () => Promise<Record<string, "ok" | "down">>;
  /** Public listener: its requests' Argon2id work runs in the public lane (crypto/argon2-lane.ts). */
  publicLane?: boolean;
}

/**
 * What both listeners share: the one error shape, strict security headers, health checks,
 * cookies, zod validation and rate limiting keyed by an anonymous client key.
 */
export async function createBaseApp(opts: BaseOptions) {
  const app = Fastify({
    loggerInstance: opts.log,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    // Request ids are random per request, not derived from anything about the client.
    genReqId: () => crypto.randomUUID(),
    ...(opts.publicLane
      ? { serverFactory: (handler: http.RequestListener, serverOpts: http.ServerOptions) => http.createServer(serverOpts, (req, res) => asPublicWork(() => handler(req, res))) }
      : {}),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A path id over maxParamLength or a malformed URL: the project's error shape, not Fastify's
    // default (which echoes the URL back), and a log line with the route's shape only (issue 17).
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode === 414 ? 414 : 400;
      req.log.info({ code: err.code, statusCode: status, method: req.method, route: routeShape(req.raw.url ?? "") }, "request refused");
      void (reply as unknown as { status(n: number): { send(b: unknown): void } }).status(status).send({ error: { code: "bad_request", message: status === 414 ? "a part of the address is too long" : "the address could not be read" } } satisfies ApiErrorBody);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", ...(opts.imgSrc ?? [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: true,
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    referrerPolicy: { policy: "no-referrer" },
    strictTransportSecurity: { maxAge: 63072000, includeSubDomains: true, preload: false },
  });
  app.addHook("onSend", async (_req, reply) => {
    reply.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (!reply.hasHeader("Cache-Control")) reply.header("Cache-Control", "no-store");
  });

  // PostgreSQL text cannot hold U+0000: a NUL anywhere in the input reached a query and failed
  // there with a 500 (found by the route fuzz test, through the login form). Refused up front,
  // for every route of both listeners, before any handler or schema sees it.
  app.addHook("preValidation", async (req) => {
    if (holdsNul(req.body) || holdsNul(req.query) || holdsNul(req.params)) throw new AppError("validation_failed", "the input holds a NUL character");
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (req) => clientKey(req.ip),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: { code: "rate_limited", message: `too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s` },
    }),
  });

  app.setErrorHandler((raw: FastifyError | AppError, req, reply) => {
    const err = isDatabaseUnavailable(raw) ? databaseUnavailable() : raw;
    const body = toErrorBody(err);
    const status = statusOf(err, body);
    if (status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code: body.error.code, statusCode: status }, "request refused");
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.status(404).send({ error: { code: "not_found", message: "not found" } } satisfies ApiErrorBody);
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    // Which dependency is down, by name only: the database, and whatever the server registered (jobs).
    const checks: Record<string, "ok" | "down"> = { database: "ok", ...(opts.readiness ? await opts.readiness() : {}) };
    try {
      await opts.db.execute(sql`SELECT 1 FROM audit_head LIMIT 1`);
    } catch {
      checks.database = "down";
    }
    const down = Object.keys(checks).filter((k) => checks[k] === "down");
    if (down.length === 0) return { status: "ready", checks };
    return reply.status(503).send({ error: { code: "unavailable", message: `not ready: ${down.join(", ")} down`, details: checks } } satisfies ApiErrorBody);
  });
  return app;
}

export type BaseApp = Awaited<ReturnType<typeof createBaseApp>>;

/** The path with every segment that is not a plain route word shown as ":param", and no query: safe to log. */
export function routeShape(url: string): string {
  const path = url.split("?")[0] ?? "";
  return path
    .split("/")
    .map((seg) => (seg === "" || /^[a-z][a-z0-9_-]{0,39}$/.test(seg) ? seg : `:param(${seg.length})`))
    .join("/");
}

function statusOf(err: FastifyError | AppError, body: ApiErrorBody): number {
  if (err instanceof AppError) return err.status;
  if (body.error.code === "internal") return 500;
  const s = (err as FastifyError).statusCode;
  return typeof s === "number" && s >= 400 && s < 600 ? s : 500;
}

function toErrorBody(err: FastifyError | AppError): ApiErrorBody {
  if (err instanceof AppError) return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  const fe = err as FastifyError & { validation?: unknown[] };
  if (fe.validation) {
    // Say which field and why; never echo the submitted value back.
    const details = (fe.validation as { instancePath?: string; message?: string; params?: { issue?: { path?: unknown[] } } }[]).map((v) => ({
      path: v.instancePath || (v.params?.issue?.path ?? []).join("."),
      message: v.message,
    }));
    return { error: { code: "validation_failed", message: "the request is not valid", details } };
  }
  const s = fe.statusCode;
  if (s === 413) return { error: { code: "payload_too_large", message: "the request is too large" } };
  if (s === 415) return { error: { code: "unsupported_media_type", message: "unsupported content type" } };
  if (s === 429) return { error: { code: "rate_limited", message: "too many requests" } };
  if (typeof s === "number" && s >= 400 && s < 500) return { error: { code: "bad_request", message: "the request could not be read" } };
  return { error: { code: "internal", message: "internal error" } };
}

/** True when a string anywhere in a parsed body, query or params holds U+0000. Streams are not looked into. */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) return true;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === "object") {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) continue; // a stream, a Buffer: not text
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k.includes("\u0000")) return true;
        stack.push(x);
      }
    }
  }
  return false;
}
