import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import type { BaseApp } from "../http/base.js";
import type { AppContext } from "../context.js";
import type { ApiErrorBody } from "../../shared/errors.js";

/** Where index.html carries the per-request style nonce; the console reads it at boot. */
export const NONCE_PLACEHOLDER = "__CSP_NONCE__";

export interface ConsoleOptions {
  /** The built console (vite's outDir). Defaults to `<project>/dist/web`. */
  webRoot?: string;
}

/**
 * The staff console: a static single-page app under /console. Every route here is public: the
 * files hold no data, and the API behind them does all the authentication.
 *
 * Hashed assets are cached for a year (their names change with their content); index.html is
 * never cached, because each response carries a fresh CSP nonce for Mantine's <style> tags.
 */
export function registerConsoleRoutes(app: BaseApp, ctx: AppContext, opts: ConsoleOptions = {}) {
  const webRoot = opts.webRoot ?? defaultWebRoot();
  const indexFile = path.join(webRoot, "index.html");
  const assetsDir = path.join(webRoot, "assets");

  void app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = { ...(route.config ?? {}), access: "public" };
    });

    if (!fs.existsSync(indexFile) || !fs.existsSync(assetsDir)) {
      ctx.log.warn({ event: "console_not_built" }, "staff console not built: run `npm run build`");
      scope.get("/console", { schema: { hide: true } }, notBuilt);
      scope.get("/console/*", { schema: { hide: true } }, notBuilt);
      return;
    }

    await scope.register(fastifyStatic, {
      root: assetsDir,
      prefix: "/console/assets/",
      decorateReply: false,
      index: false,
      dotfiles: "deny",
      cacheControl: true,
      maxAge: "365d",
      immutable: true,
    });

    const template = new IndexTemplate(indexFile);
    const page = async (_req: unknown, reply: FastifyReply) => {
      const raw = await template.read();
      if (raw === null) return notBuilt(_req, reply);
      const html = raw.replaceAll(NONCE_PLACEHOLDER, escapeAttr(reply.cspNonce.style));
      return reply.header("Cache-Control", "no-store").type("text/html; charset=utf-8").send(html);
    };
    scope.get("/console", { schema: { hide: true } }, page);
    // Client routes (/console/login, /console/staff, …): the router in the page takes over.
    scope.get("/console/*", { schema: { hide: true } }, page);
  });
}

async function notBuilt(_req: unknown, reply: FastifyReply) {
  return reply.status(503).send({
    error: { code: "unavailable", message: "the staff console is not built; run `npm run build` and restart the server" },
  } satisfies ApiErrorBody);
}

/** index.html, read again only when a rebuild has replaced it; null while it is missing. */
class IndexTemplate {
  private cached: { mtimeMs: number; html: string } | null = null;
  constructor(private readonly file: string) {}

  async read(): Promise<string | null> {
    try {
      const stat = await fs.promises.stat(this.file);
      if (this.cached?.mtimeMs !== stat.mtimeMs) this.cached = { mtimeMs: stat.mtimeMs, html: await fs.promises.readFile(this.file, "utf8") };
      return this.cached.html;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<project>/dist/web`, found from this module whether it runs compiled (dist/server) or from source. */
function defaultWebRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return path.join(dir, "dist", "web");
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve("dist", "web");
    dir = parent;
  }
}
