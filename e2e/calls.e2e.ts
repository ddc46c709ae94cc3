import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { Secret, TOTP } from "otpauth";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { assertBuilt, startServer, type RunningServer } from "./support/server.js";
import { launchChromium, screenshot, watchedContext, type Troubles } from "./support/browser.js";

/**
 * The phone desk in Chromium against the real server: an operator logs a call with a callback due
 * now, lands in the new case with the call listed, finds the callback overdue in the queue and
 * marks it done; an administrator opens "reset key" and sees the warning before anything happens.
 * Needs `npm run build` first.
 */

const ADMIN = { username: "admin.calls", displayName: "Олена Адміністраторка", password: "довгий пароль адміністратора 2024" };
const OPERATOR = { username: "oksana.operator", displayName: "Оксана Мельник", password: "довгий пароль операторки 2024" };

const totpCode = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() });
const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
const visible = (l: Locator, timeout = 15_000) => l.waitFor({ state: "visible", timeout });

async function acceptAndEnrol(page: Page, who: { displayName: string; password: string; username?: string }) {
  if (who.username !== undefined) await page.getByTestId("setup-username").fill(who.username);
  await page.getByTestId("setup-display-name").fill(who.displayName);
  await page.getByTestId("setup-password").fill(who.password);
  await page.getByTestId("setup-password-repeat").fill(who.password);
  await page.getByRole("button", { name: uk.setup.submit }).click();
  await visible(page.getByTestId("recovery-key"));
  await page.getByLabel(uk.recovery.confirm).check();
  await page.getByRole("button", { name: uk.recovery.continue }).click();
  await visible(page.getByTestId("totp-secret"));
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  await page.getByTestId("totp-code").fill(totpCode(secret));
  await page.getByRole("button", { name: uk.enrol.submit }).click();
  await visible(page.getByTestId("home-greeting"));
}

async function inviteOperator(page: Page, username: string): Promise<string> {
  await page.getByRole("link", { name: uk.nav.staff }).click();
  await page.getByTestId("invite-open").click();
  await page.getByTestId("invite-role").click();
  await page.getByRole("option", { name: uk.roles.operator }).click();
  await page.getByTestId("invite-username").fill(username);
  await page.getByRole("button", { name: uk.staff.invite.submit }).click();
  const link = page.getByTestId("invite-link");
  await poll(() => link.inputValue()).toMatch(/#token=/);
  const value = await link.inputValue();
  await page.getByRole("button", { name: uk.staff.invite.done }).click();
  return value;
}

describe("phone calls and callbacks in the console", () => {
  let server: RunningServer;
  let browser: Browser;
  const troubles: Troubles[] = [];
  const contexts: BrowserContext[] = [];
  const context = async () => {
    const c = await watchedContext(browser);
    troubles.push(c.troubles);
    contexts.push(c.context);
    return c.context;
  };

  beforeAll(async () => {
    assertBuilt();
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it("log a call with a callback, see it in the case and the queue, mark it done; key reset warns first", async () => {
    const adminPage = await (await context()).newPage();
    const opPage = await (await context()).newPage();
    try {
      await adminPage.goto(server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const opLink = await inviteOperator(adminPage, OPERATOR.username);
      await opPage.goto(opLink);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password });

      // The administrator (custodian of the team keys) is online: the operator gets the intake key.
      await adminPage.getByRole("link", { name: uk.nav.teams, exact: true }).click();
      const member = adminPage.getByTestId(`team-member-${OPERATOR.username}`);
      await visible(member);
      await adminPage.reload();
      await visible(member);
      await poll(() => member.getByText(uk.teams.pending).count()).toBe(0);

      // The operator logs an incoming call with a callback due now.
      await opPage.getByRole("link", { name: uk.nav.calls, exact: true }).click();
      await visible(opPage.getByTestId("call-form"));
      await opPage.getByTestId("call-number").fill("+7 912 555-03-04");
      await opPage.getByTestId("call-summary").fill("Дзвонив солдат, хоче перейти, просить передзвонити ввечері.");
      await opPage.getByTestId("call-group-size").fill("2");
      await opPage.getByTestId("call-schedule").check();
      await visible(opPage.getByTestId("call-due"));
      await screenshot(opPage, "calls-01-form");
      await opPage.getByTestId("call-submit").click();

      // A new phone case opens with the call in it.
      await poll(async () => opPage.url(), 20_000).toMatch(/\/console\/cases\/[0-9a-f-]{36}$/);
      const calls = opPage.getByTestId("case-call");
      await poll(() => calls.count()).toBe(1);
      await visible(calls.first().getByText("просить передзвонити", { exact: false }));
      await screenshot(opPage, "calls-02-case");

      // The callback is due: it shows in the queue, highlighted, and is marked done.
      await opPage.getByRole("link", { name: uk.nav.calls, exact: true }).click();
      const overdue = opPage.getByTestId("callback-overdue");
      await poll(() => overdue.count()).toBe(1);
      await screenshot(opPage, "calls-03-callbacks");
      await overdue.first().getByTestId("callback-done").click();
      await visible(opPage.getByText(uk.calls.callbacks.empty));

      // The administrator opens the key reset and is warned before anything happens.
      await adminPage.getByRole("link", { name: uk.nav.staff }).click();
      await adminPage.getByTestId(`staff-actions-${OPERATOR.username}`).click();
      await adminPage.getByTestId(`staff-reset-key-${OPERATOR.username}`).click();
      const warning = adminPage.getByTestId("reset-key-warning");
      await visible(warning);
      await visible(warning.getByText("safe-passage keys recover", { exact: false }));
      const confirm = adminPage.getByTestId("reset-key-confirm");
      expect(await confirm.isDisabled()).toBe(true);
      await adminPage.getByTestId("reset-key-username").fill("someone.else");
      expect(await confirm.isDisabled()).toBe(true);
      await adminPage.getByTestId("reset-key-username").fill(OPERATOR.username);
      expect(await confirm.isDisabled()).toBe(false);
      await screenshot(adminPage, "calls-04-reset-key");
      await adminPage.getByRole("button", { name: uk.staff.confirm.cancel }).click();
    } catch (err) {
      for (const p of browser.contexts().flatMap((c) => c.pages())) await screenshot(p, `calls-failure-${p.url().split("/").pop()?.split("#")[0]?.slice(0, 40) || "page"}`).catch(() => {});
      throw err;
    }
    for (const tr of troubles) {
      expect(tr.csp, "CSP violations").toEqual([]);
      expect(tr.pageErrors, "uncaught page errors").toEqual([]);
    }
  });
});
