import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { assertBuilt, ROOT, startServer, type RunningServer } from "./server.js";

export const SCREENSHOTS = path.join(ROOT, "e2e", "screenshots");

/** Debian's Chromium, never a browser downloaded by playwright. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** What a context saw go wrong: CSP violations (from the DOM event and the console) and uncaught errors. */
export interface Troubles {
  csp: string[];
  pageErrors: string[];
}

/**
 * A fresh browser context that reports every CSP violation. The listener is installed through
 * the DevTools protocol, which the page's CSP does not govern, and reports through a binding, so
 * violations are caught across navigations.
 */
export async function watchedContext(browser: Browser): Promise<{ context: BrowserContext; troubles: Troubles }> {
  const context = await browser.newContext({ locale: "uk-UA", viewport: { width: 1280, height: 900 } });
  const troubles: Troubles = { csp: [], pageErrors: [] };
  await context.exposeBinding("__reportCspViolation", (_source, text: string) => void troubles.csp.push(text));
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) => window.__reportCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`,
  });
  context.on("page", (page) => watchPage(page, troubles));
  return { context, troubles };
}

function watchPage(page: Page, troubles: Troubles) {
  page.on("console", (msg) => {
    if (/content security policy|refused to (apply|load|execute)/i.test(msg.text())) troubles.csp.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => troubles.pageErrors.push(String(err)));
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Every page of the run as a screenshot, after a failure: what each person's screen showed. */
export async function screenshotAll(browser: Browser, prefix: string) {
  for (const p of browser.contexts().flatMap((c) => c.pages())) await screenshot(p, `${prefix}-${p.url().split("/").pop()?.split("#")[0]?.slice(0, 40) || "page"}`).catch(() => {});
}

/** The end of every console walk: no CSP violation and no uncaught error in any context. */
export function expectNoTroubles(troubles: Troubles[]) {
  for (const tr of troubles) {
    expect(tr.csp, "CSP violations").toEqual([]);
    expect(tr.pageErrors, "uncaught page errors").toEqual([]);
  }
}

/**
 * The fixture every console browser test needs: the real server, one Chromium, and watched
 * contexts whose CSP violations and page errors the test checks at the end. Registers its own
 * beforeAll/afterAll; read `server` and `browser` inside the tests.
 */
export function browserSuite(opts: Parameters<typeof startServer>[0] = {}) {
  const contexts: BrowserContext[] = [];
  const troubles: Troubles[] = [];
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    assertBuilt();
    server = await startServer(opts);
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });
  return {
    troubles,
    get server(): RunningServer {
      if (!server) throw new Error("server not started");
      return server;
    },
    get browser(): Browser {
      if (!browser) throw new Error("browser not started");
      return browser;
    },
    /** A new watched browser context, closed when the suite ends. */
    context: async (): Promise<BrowserContext> => {
      const c = await watchedContext(browser!);
      troubles.push(c.troubles);
      contexts.push(c.context);
      return c.context;
    },
  };
}
