import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Paths that must never reach a log line. Logs carry ids and event names only (SECURITY.md):
 * no addresses, user agents, bodies, names, phones, codes or message text.
 */
export const REDACT_PATHS = [
  "req.headers",
  "req.remoteAddress",
  "req.remotePort",
  "req.ip",
  "req.ips",
  "req.hostname",
  "req.body",
  "req.query",
  "body",
  "headers",
  "*.password",
  "*.totp",
  "*.token",
  "*.code",
  "*.secret",
  "*.message",
  "*.text",
  "*.name",
  "*.phone",
  "*.ip",
  "*.userAgent",
];

interface RequestLike {
  method?: string;
  routeOptions?: { url?: string };
}

/** Build the process logger. `destination` lets tests collect every line of a run in one file. */
export function createLogger(opts: { level: string; destination?: string }): Logger {
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { service: "safe-passage" },
      hooks: {
        // Fastify announces "Server listening at http://<address>:<port>" on every listen();
        // the address is ours, not a client's, but the log keeps all addresses out: ports suffice.
        logMethod(args, method) {
          const i = args.findIndex((a) => typeof a === "string");
          if (i >= 0) args[i] = (args[i] as string).replace(/\bhttps?:\/\/[^\s/]+:(\d+)/g, "port $1");
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
      serializers: {
        // The route pattern, never the raw URL: a URL can carry a token or a search term.
        req: (req: RequestLike) => ({ method: req.method, route: req.routeOptions?.url ?? "(unmatched)" }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error & { code?: unknown; statusCode?: unknown }) => ({
          type: err.name,
          code: typeof err.code === "string" ? err.code : undefined,
          statusCode: err.statusCode,
          // Messages from the database can quote values (a unique key's detail); keep the first line only.
          message: String(err.message).split("\n")[0],
          stack: err.stack?.split("\n").slice(1, 6).join("\n"),
        }),
      },
    },
    opts.destination ? pino.destination({ dest: opts.destination, append: true, sync: true, mkdir: true }) : pino.destination(1),
  );
}
