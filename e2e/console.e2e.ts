import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { Secret, TOTP } from "otpauth";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import en from "../src/web/i18n/en.json" with { type: "json" };
import { assertBuilt, startServer, type RunningServer } from "./support/server.js";
import { launchChromium, screenshot, watchedContext, type Troubles, screenshotAll } from "./support/browser.js";

/**
 * The staff console in a real browser against the real server: first administrator, TOTP
 * enrolment, an invitation accepted in another browser, login with password and code, the
 * audit log and its chain check, all under the strict CSP. Needs `npm run build` first.
 */

const ADMIN = { username: "olena.admin", displayName: "Олена Коваль", password: "довгий пароль для консолі 2024" };
const OPERATOR = { username: "petro.operator", displayName: "Петро Шевчук", password: "ще один довгий пароль оператора" };

/** The code an authenticator shows, `offsetMs` from now. The server accepts one step either side, each step once. */
function totpCode(secret: string, offsetMs = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetMs });
}

/** Create the account on a setup page and enrol TOTP; returns the secret. */
async function acceptAndEnrol(page: Page, who: { displayName: string; password: string; username?: string }, shot: string): Promise<string> {
  if (who.username !== undefined) await page.getByTestId("setup-username").fill(who.username);
  await page.getByTestId("setup-display-name").fill(who.displayName);
  await page.getByTestId("setup-password").fill(who.password);
  await page.getByTestId("setup-password-repeat").fill(who.password);
  await screenshot(page, `${shot}-setup`);
  await page.getByRole("button", { name: uk.setup.submit }).click();

  // A server that gives staff key pairs shows the recovery key once, before enrolment.
  const recovery = page.getByTestId("recovery-key");
  const enrolHeading = page.getByRole("heading", { name: uk.enrol.title });
  await visible(recovery.or(enrolHeading).first());
  if (await recovery.isVisible()) {
    expect((await recovery.innerText()).trim()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/);
    const next = page.getByRole("button", { name: uk.recovery.continue });
    expect(await next.isDisabled()).toBe(true);
    await screenshot(page, `${shot}-recovery`);
    await page.getByLabel(uk.recovery.confirm).check();
    await next.click();
  }
  await visible(enrolHeading);
  const qr = page.getByTestId("totp-qr");
  await qr.waitFor();
  expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
  // The image really decoded (an SVG the CSP or the browser refused would have no size).
  await poll(() => qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await screenshot(page, `${shot}-enrol`);

  await page.getByTestId("totp-code").fill(totpCode(secret));
  await page.getByRole("button", { name: uk.enrol.submit }).click();
  await poll(() => page.getByTestId("home-greeting").innerText()).toBe(uk.home.greeting.replace("{{name}}", who.displayName));
  return secret;
}

describe("staff console", () => {
  let server: RunningServer;
  let browser: Browser;
  const troubles: Troubles[] = [];

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("serves the console with a nonce, cacheable assets and no unsafe-inline", async () => {
    const page = await fetch(`${server.staffUrl}/console/staff`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /style-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await page.text();
    expect(html).toContain(`<meta name="csp-nonce" content="${nonce}"`);
    expect(page.headers.get("cache-control")).toBe("no-store");

    const asset = /\/console\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const js = await fetch(`${server.staffUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable/);
    expect((await fetch(`${server.staffUrl}/console/assets/missing.js`)).status).toBe(404);
    // The public listener has no console.
    expect((await fetch(`${server.publicUrl}/console`)).status).toBe(404);
  });

  it("walks through setup, invitation, login and the audit log", async () => {
    const { context: adminCtx, troubles: adminTroubles } = await watchedContext(browser);
    troubles.push(adminTroubles);
    const page = await adminCtx.newPage();

    try {
      // First administrator, from the link the server printed.
      const res = await page.goto(server.firstAdminLink);
      const csp = res!.headers()["content-security-policy"] ?? "";
      expect(csp).toContain("style-src 'self' 'nonce-");
      expect(csp).not.toContain("unsafe-inline");
      await visible(page.getByRole("heading", { name: uk.setup.titleFirstAdmin }));
      expect(page.url()).not.toContain("token=");
      const adminSecret = await acceptAndEnrol(page, ADMIN, "01-admin");
      await screenshot(page, "02-home");

      // Staff page: invite an operator.
      await page.getByRole("link", { name: uk.nav.staff }).click();
      await visible(page.getByTestId(`staff-row-${ADMIN.username}`));
      await page.getByTestId("invite-open").click();
      await page.getByTestId("invite-role").click();
      await page.getByRole("option", { name: uk.roles.operator }).click();
      await page.getByTestId("invite-username").fill(OPERATOR.username);
      await page.getByRole("button", { name: uk.staff.invite.submit }).click();
      const linkInput = page.getByTestId("invite-link");
      await poll(() => linkInput.inputValue()).toMatch(/\/console\/setup#token=[A-Za-z0-9_-]{20,}$/);
      const inviteLink = await linkInput.inputValue();
      await screenshot(page, "03-invitation");
      await page.getByRole("button", { name: uk.staff.invite.done }).click();

      // Sign out.
      await page.getByTestId("account-menu").click();
      await page.getByRole("menuitem", { name: uk.nav.logout, exact: true }).click();
      await visible(page.getByRole("heading", { name: uk.login.title }));

      // The invitee, in a browser of their own.
      const { context: opCtx, troubles: opTroubles } = await watchedContext(browser);
      troubles.push(opTroubles);
      const opPage = await opCtx.newPage();
      await opPage.goto(inviteLink);
      await visible(opPage.getByRole("heading", { name: uk.setup.titleInvite }));
      await visible(opPage.getByText(uk.setup.introInvite.replace("{{role}}", uk.roles.operator)));
      await poll(() => opPage.getByTestId("setup-username").inputValue()).toBe(OPERATOR.username);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password }, "04-operator");
      // An operator has no staff or audit sections.
      await poll(() => opPage.getByRole("link", { name: uk.nav.staff }).count()).toBe(0);
      await poll(() => opPage.getByRole("link", { name: uk.nav.audit }).count()).toBe(0);
      await opCtx.close();

      // The administrator again, with password and code. The code is for the next 30 s step: the
      // server accepts one step ahead and refuses a step already used at enrolment.
      await page.getByTestId("login-username").fill(ADMIN.username);
      await page.getByTestId("login-password").fill(ADMIN.password);
      await page.getByTestId("login-totp").fill(totpCode(adminSecret, 30_000));
      await screenshot(page, "05-login");
      await page.getByRole("button", { name: uk.login.submit }).click();
      await visible(page.getByTestId("home-greeting"));

      // The audit log lists the logins, and its chain is intact.
      await page.getByRole("link", { name: uk.nav.audit }).click();
      const table = page.getByTestId("audit-table");
      await visible(table);
      await poll(() => table.getByText(uk.audit.actions.staff.login, { exact: true }).count()).toBe(1);
      await poll(() => table.getByText(uk.audit.actions.staff.logout, { exact: true }).count()).toBe(1);
      await poll(() => table.getByText(uk.audit.actions.staff.totp_enrolled, { exact: true }).count()).toBe(2);
      await poll(() => table.getByText(uk.audit.actions.staff.invited, { exact: true }).count()).toBe(1);
      await page.getByTestId("audit-verify").click();
      const verdict = page.getByTestId("audit-verify-result");
      await poll(() => verdict.innerText()).toMatch(new RegExp(`^${escapeRegExp(uk.audit.verifyOk.split("{{count}}")[0]!)}\\d+`));
      await screenshot(page, "06-audit");

      // The interface switches to English and remembers it.
      await page.getByTestId("language-picker").click();
      await page.getByRole("menuitem", { name: en.languages.en }).click();
      await visible(page.getByRole("heading", { name: en.audit.title }));
      await page.reload();
      await visible(page.getByRole("heading", { name: en.audit.title }));
      expect(await page.evaluate("document.documentElement.lang")).toBe("en");
      await screenshot(page, "07-audit-en");
      await adminCtx.close();
    } catch (err) {
      // Where it stopped, for the person reading the failure.
      await screenshotAll(browser, "failure");
      throw err;
    }

    for (const t of troubles) {
      expect(t.csp, "CSP violations").toEqual([]);
      expect(t.pageErrors, "uncaught page errors").toEqual([]);
    }
  });

  it("shows an invalid one-time link as such", async () => {
    const { context, troubles: t } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.staffUrl}/console/setup#token=${"x".repeat(43)}`);
    await visible(page.getByText(uk.setup.invalidLink));
    await page.goto(`${server.staffUrl}/console/audit`);
    await visible(page.getByRole("heading", { name: uk.login.title }));
    await context.close();
    expect(t.csp).toEqual([]);
    expect(t.pageErrors).toEqual([]);
  });
});

/** Playwright's own `expect` is not part of playwright-core: wait with vitest's poll instead. */
function poll<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 15_000, interval: 100 });
}

async function visible(locator: Locator) {
  await locator.waitFor({ state: "visible", timeout: 15_000 });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
