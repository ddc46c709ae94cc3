import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createBaseApp } from "../src/server/http/base.js";
import { createLogger } from "../src/server/log.js";
import { NONCE_PLACEHOLDER, registerConsoleRoutes } from "../src/server/console/routes.js";
import type { AppContext } from "../src/server/context.js";
import type { Db } from "../src/server/db/index.js";

/**
 * How the staff listener serves the console, on a made-up build in a temp dir: no browser, no
 * database, and no dependence on `npm run build` having run.
 */
const log = createLogger({ level: "silent" });
const ctx = { log } as unknown as AppContext;
const dirs: string[] = [];

async function appWith(webRoot: string) {
  const app = await createBaseApp({ log, db: {} as Db, imgSrc: ["data:"] });
  registerConsoleRoutes(app, ctx, { webRoot });
  await app.ready();
  return app;
}

function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-web-"));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "index.html"), `<!doctype html><meta name="csp-nonce" content="${NONCE_PLACEHOLDER}"><script type="module" src="/console/assets/app-1.js"></script>`);
  fs.writeFileSync(path.join(dir, "assets", "app-1.js"), "export {};\n");
  return dir;
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("console routes", () => {
  it("answers 503 with a clear error when the console is not built", async () => {
    const app = await appWith(path.join(os.tmpdir(), "sp-web-does-not-exist"));
    for (const url of ["/console", "/console/", "/console/login", "/console/assets/app.js"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("npm run build") } });
    }
    await app.close();
  });

  it("serves index.html for every client route with this response's style nonce", async () => {
    const app = await appWith(fakeBuild());
    const nonces = new Set<string>();
    for (const url of ["/console", "/console/", "/console/staff", "/console/setup", "/console/some/deep/path"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.headers["cache-control"]).toBe("no-store");
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).not.toContain("unsafe-inline");
      const nonce = /style-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(res.body).toContain(`<meta name="csp-nonce" content="${nonce}">`);
      expect(res.body).not.toContain(NONCE_PLACEHOLDER);
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(5);
    await app.close();
  });

  it("serves assets with a long immutable cache, and 404 for unknown ones", async () => {
    const app = await appWith(fakeBuild());
    const js = await app.inject({ method: "GET", url: "/console/assets/app-1.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toContain("javascript");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const missing = await app.inject({ method: "GET", url: "/console/assets/nope.js" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
    // Nothing outside assets/ is reachable through it (send refuses the path: 403).
    const escape = await app.inject({ method: "GET", url: "/console/assets/..%2findex.html" });
    expect(escape.statusCode).toBe(403);
    expect(escape.body).not.toContain("csp-nonce");
    expect(escape.json().error.code).toBeTypeOf("string");
    await app.close();
  });

  it("marks every console route public", async () => {
    const app = await createBaseApp({ log, db: {} as Db });
    const seen = new Map<string, unknown>();
    app.addHook("onRequest", async (req) => {
      seen.set(req.url, req.routeOptions.config?.access);
    });
    registerConsoleRoutes(app, ctx, { webRoot: fakeBuild() });
    for (const url of ["/console", "/console/staff", "/console/assets/app-1.js"]) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(200);
      expect(seen.get(url), url).toBe("public");
    }
    await app.close();
  });
});
