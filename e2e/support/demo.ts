import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { Page } from "playwright-core";
import uk from "../../src/web/i18n/uk.json" with { type: "json" };
import { totpCode, visible } from "./console.js";
import { ROOT, startFromTemplate } from "./server.js";

/** The password the demo gives every account (printed by `demo` beside each TOTP secret). */
const DEMO_PASSWORD = "demo-password-change-me";

/**
 * A demo store in a temp dir, loaded through the CLI before the server opens it, and the TOTP
 * secrets of the accounts asked for. Call it in a beforeAll with a long timeout: the demo takes
 * most of a minute.
 */
export function loadDemo(prefix: string, accounts: string[], cases = 40): { dir: string; secrets: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  startFromTemplate(dir);
  const env: NodeJS.ProcessEnv = { ...process.env, SAFE_PASSAGE_DATA: dir, SAFE_PASSAGE_ENV: "test", LOG_LEVEL: "warn" };
  for (const k of ["DATABASE_URL", "SAFE_PASSAGE_KEY_FILE", "SAFE_PASSAGE_LOG_FILE"]) delete env[k];
  const out = execFileSync(process.execPath, [path.join(ROOT, "bin/safe-passage.js"), "demo", "--cases", String(cases)], { cwd: ROOT, env, encoding: "utf8" });
  const secrets = Object.fromEntries(accounts.map((who) => [who, new RegExp(`${who}\\s+\\S+\\s+TOTP secret (\\S+)`).exec(out)?.[1] ?? ""]));
  expect(Object.entries(secrets).filter(([, s]) => !s)).toEqual([]);
  return { dir, secrets };
}

/** A demo account signs in on the console's login page. */
export async function signInDemo(page: Page, base: string, username: string, secret: string) {
  await page.goto(`${base}/console/login`);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(DEMO_PASSWORD);
  await page.getByTestId("login-totp").fill(totpCode(secret));
  await page.getByRole("button", { name: uk.login.submit }).click();
  await visible(page.getByTestId("home-greeting"));
}

/**
 * The staff API as the page's signed-in person calls it (his session cookie, his CSRF token):
 * for setting up through the real HTTP path what a test then looks at in the browser.
 */
export async function staffApi(page: Page, base: string) {
  const session = await page.request.get(`${base}/api/auth/session`);
  expect(session.status()).toBe(200);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return async <T = unknown>(method: "GET" | "POST" | "PATCH", route: string, body?: unknown, status = 200): Promise<T> => {
    const r = await page.request.fetch(`${base}${route}`, { method, headers: { "x-csrf-token": csrfToken, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { data: JSON.stringify(body) } : {}) });
    expect([method, route, r.status()], await r.text()).toEqual([method, route, status]);
    return (r.status() === 204 ? undefined : await r.json()) as T;
  };
}
