import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, expectTeamKeyHeld, invite, poll, visible } from "./support/console.js";

/**
 * The phone desk in Chromium against the real server: an operator logs a call with a callback due
 * now, lands in the new case with the call listed, finds the callback overdue in the queue and
 * marks it done; an administrator opens "reset key" and sees the warning before anything happens.
 * Needs `npm run build` first.
 */

const ADMIN = { username: "admin.calls", displayName: "Олена Адміністраторка", password: "довгий пароль адміністратора 2024" };
const OPERATOR = { username: "oksana.operator", displayName: "Оксана Мельник", password: "довгий пароль операторки 2024" };

describe("phone calls and callbacks in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("log a call with a callback, see it in the case and the queue, mark it done; key reset warns first", async () => {
    const adminPage = await (await context()).newPage();
    const opPage = await (await context()).newPage();
    try {
      await adminPage.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const opLink = await invite(adminPage, "operator", OPERATOR.username);
      await opPage.goto(opLink);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password });

      // The administrator (custodian of the team keys) is online: the operator gets the intake key.
      await expectTeamKeyHeld(adminPage, OPERATOR.username);

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
      await screenshotAll(suite.browser, "calls-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
