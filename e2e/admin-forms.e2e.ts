import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, poll, visible } from "./support/console.js";

/**
 * The administrator's own forms, in Chromium against the real server: the response-time targets
 * and the canned replies are saved through @mantine/form with the server's body schemas, and
 * what was saved is what the server keeps. Needs `npm run build` first.
 */

const ADMIN = { username: "admin.forms", displayName: "Ірина Адміністраторка", password: "довгий пароль адміністраторки форм" };

describe("the administrator's forms", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("save the response-time targets and a canned reply, and refuse an empty one", async () => {
    const page = await (await context()).newPage();
    try {
      await page.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(page, ADMIN);

      await page.getByRole("link", { name: uk.nav.settings, exact: true }).click();
      const first = page.getByTestId("sla-first");
      await visible(first);
      await first.fill("45");
      await page.getByTestId("sla-next").fill("90");
      await page.getByTestId("sla-save").click();
      await visible(page.getByText(uk.settings.saved, { exact: true }));
      await page.reload();
      await poll(() => page.getByTestId("sla-first").inputValue()).toContain("45");
      expect(await page.getByTestId("sla-next").inputValue()).toContain("90");

      await page.getByRole("link", { name: uk.nav.canned, exact: true }).click();
      const rows = page.getByTestId("canned-row");
      await poll(() => rows.count()).toBeGreaterThan(0);
      const before = await rows.count();
      await page.getByTestId("canned-add").click();
      // Nothing typed: the dialog cannot save.
      expect(await page.getByTestId("canned-save").isDisabled()).toBe(true);
      await page.getByTestId("canned-title").fill("Привітання з форми");
      await page.getByTestId("canned-body").fill("Здравствуйте! Мы получили ваше сообщение (форма).");
      await page.getByTestId("canned-save").click();
      await poll(() => rows.count()).toBe(before + 1);
      const row = rows.filter({ hasText: "Здравствуйте! Мы получили ваше сообщение (форма)." });
      expect(await row.count()).toBe(1);
      // Edited, the same reply changes (no second one).
      await row.getByRole("button", { name: uk.canned.edit }).click();
      await page.getByTestId("canned-title").fill("Привітання нове");
      await page.getByTestId("canned-save").click();
      await poll(() => row.innerText()).toContain("Привітання нове");
      expect(await rows.count()).toBe(before + 1);
      await screenshot(page, "admin-forms-canned");
    } catch (err) {
      await screenshotAll(suite.browser, "admin-forms-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
