import swagger from "@fastify/swagger";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import type { BaseApp } from "./base.js";

/** Register before the routes so every route's zod schema lands in the spec. */
export async function registerOpenApi(app: BaseApp) {
  await app.register(swagger, {
    openapi: {
      info: { title: "Safe Passage staff API", version: "0.1.0", description: "Staff listener API. Every route needs a signed-in session unless marked public." },
      components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "sp_staff" } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

/** The spec as JSON and a small, script-free docs page (Swagger UI would need unsafe-inline styles). */
export function registerOpenApiRoutes(app: BaseApp) {
  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());
  app.get("/api/docs", { config: { access: "public" }, schema: { hide: true } }, async (_req, reply) => {
    const spec = app.swagger() as { paths?: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const rows = Object.entries(spec.paths ?? {})
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), summary: op.summary ?? "", tag: op.tags?.[0] ?? "" })))
      .sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path));
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const nonce = reply.cspNonce.style;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Safe Passage API</title>
<style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.2rem .8rem;border-bottom:1px solid #ddd}code{font-weight:600}</style></head>
<body><h1>Safe Passage staff API</h1><p>Machine-readable spec: <a href="/api/openapi.json">/api/openapi.json</a>. Errors always have the shape <code>{"error":{"code","message","details?"}}</code>.</p>
<table>${rows.map((r) => `<tr><td>${esc(r.tag)}</td><td><code>${r.method}</code></td><td><code>${esc(r.path)}</code></td><td>${esc(r.summary)}</td></tr>`).join("")}</table></body></html>`;
    return reply.type("text/html; charset=utf-8").send(html);
  });
}
