import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, expectNoTroubles, screenshot, screenshotAll } from "./support/browser.js";
import { submitWebRequest } from "./support/applicant.js";
import { poll, staffUp, visible } from "./support/console.js";

/**
 * The watchlist page in Chromium against the real server (issue 11): a verifier puts a number on
 * the list by hand and reads it back; a request that then comes from that number is flagged to
 * the verifiers; the supervisor sees the entry without its value and takes it off with a reason.
 * Needs `npm run build` first.
 */

const PASSWORD = "довгий пароль для списку спостереження";
const people = { admin: "admin.watch", operator: "oksana.operator", verifier: "taras.verifier", supervisor: "halyna.supervisor" } as const;
const NUMBER = "+380 97 222 33 44";
const v = uk.verification;
const w = v.watchlist;

async function choose(page: Page, label: string, option: string, within = page.locator("body")) {
  await within.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("the watchlist in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("a verifier adds a number, a new request from it is flagged; the supervisor sees no value and takes it off", async () => {
    const pages = {} as Record<keyof typeof people, Page>;
    for (const k of Object.keys(people) as (keyof typeof people)[]) pages[k] = await (await context()).newPage();
    const { admin, operator, verifier, supervisor } = pages;
    try {
      const roles = { operator: "operator", verifier: "verifier", supervisor: "supervisor" } as const;
      await staffUp(admin, suite.server.firstAdminLink, { admin: { username: people.admin, displayName: "Адміністратор" }, password: PASSWORD, pages, roles, names: people, founders: ["operator", "verifier"] });

      // The verifier adds the number from the menu, by keyboard where a form is typed.
      await verifier.getByRole("link", { name: uk.nav.watchlist, exact: true }).click();
      const form = verifier.getByTestId("watchlist-add");
      await visible(form);
      await form.getByLabel(w.add.value, { exact: false }).fill(NUMBER);
      await form.getByLabel(w.add.note).fill("Питав про точки виходу на сусідній лінії");
      await form.getByLabel(w.add.note).press("Tab");
      await verifier.keyboard.press("Enter");
      await visible(form.getByText(w.add.added));
      const phoneEntry = verifier.locator('[data-testid="watchlist-entry"][data-kind="phone"]');
      await visible(phoneEntry);
      expect(await phoneEntry.innerText()).toContain(NUMBER);
      expect(await phoneEntry.innerText()).toContain("Питав про точки виходу");
      // A name with its date of birth: the form offers the date only for a name.
      expect(await form.getByLabel(w.add.birthDate, { exact: false }).count()).toBe(0);
      await choose(verifier, w.add.kind, v.kinds.name, form);
      await form.getByLabel(w.add.value, { exact: false }).fill("Бондар Ігор Васильович");
      await form.getByLabel(w.add.birthDate, { exact: false }).fill("1988-05-17");
      await form.getByRole("button", { name: w.add.submit }).click();
      await visible(verifier.locator('[data-testid="watchlist-entry"][data-kind="name_birth"]'));
      await screenshot(verifier, "watchlist-01-verifier");

      // A request comes from that number on the web form: the verifiers see it flagged.
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Соколов Андрей", phone: NUMBER }, "Хочу сдаться, где вас найти?");
      await operator.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      const row = operator.getByTestId("inbox-row").first();
      await visible(row, 20_000);
      const number = (await row.getAttribute("data-case-number"))!;
      await verifier.getByRole("link", { name: uk.nav.verification, exact: true }).click();
      const hit = verifier.getByTestId("watchlist-hit").filter({ hasText: v.caseNumber.replace("{{number}}", number) });
      await poll(async () => {
        await verifier.reload();
        return hit.count();
      }).toBeGreaterThan(0);
      expect(await hit.first().innerText()).toContain(v.kinds.phone);

      // The supervisor sees the entries, never the number or the note, and takes the phone off with a reason.
      await supervisor.getByRole("link", { name: uk.nav.watchlist, exact: true }).click();
      const theirs = supervisor.locator('[data-testid="watchlist-entry"][data-kind="phone"]');
      await visible(theirs);
      expect(await theirs.innerText()).toContain(w.list.sealed);
      expect(await supervisor.locator("body").innerText()).not.toMatch(/222 33 44|Питав|Бондар/);
      await theirs.getByRole("button", { name: w.remove.open }).click();
      await theirs.getByLabel(w.remove.reason, { exact: false }).fill("Номер передали іншій людині");
      await theirs.getByRole("button", { name: w.remove.submit, exact: true }).click();
      await visible(theirs.getByText(w.list.removed, { exact: true }));
      // On a phone's width nothing spills sideways.
      await supervisor.setViewportSize({ width: 390, height: 844 });
      await poll(() => supervisor.evaluate<boolean>("document.documentElement.scrollWidth <= window.innerWidth + 1")).toBe(true);
      await screenshot(supervisor, "watchlist-02-supervisor-phone");
    } catch (err) {
      await screenshotAll(suite.browser, "watchlist-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
