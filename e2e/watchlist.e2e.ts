import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, expectNoTroubles, screenshot, screenshotAll } from "./support/browser.js";
import { submitWebRequest } from "./support/applicant.js";
import { admitMember, chooseByLabel, expectTeamKeyHeld, handNewestToVerification, poll, staffUp, twoVerifiersVerify, visible } from "./support/console.js";

/**
 * The watchlist page in Chromium against the real server (issue 11): a verifier puts a number on
 * the list by hand and reads it back; a request that then comes from that number is flagged to
 * the verifiers; the supervisor sees the entry without its value and takes it off with a reason.
 * Needs `npm run build` first.
 */

const PASSWORD = "довгий пароль для списку спостереження";
const people = { admin: "admin.watch", operator: "oksana.operator", verifier: "taras.verifier", verifier2: "yurii.verifier", supervisor: "halyna.supervisor" } as const;
const NUMBER = "+380 97 222 33 44";
const v = uk.verification;
const w = v.watchlist;

describe("the watchlist in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("a verifier adds a number, a new request from it is flagged; the supervisor sees no value and takes it off", async () => {
    const pages = {} as Record<keyof typeof people, Page>;
    for (const k of Object.keys(people) as (keyof typeof people)[]) pages[k] = await (await context()).newPage();
    const { admin, operator, verifier, supervisor } = pages;
    try {
      const { verifier2 } = pages;
      const roles = { operator: "operator", verifier: "verifier", verifier2: "verifier", supervisor: "supervisor" } as const;
      await staffUp(admin, suite.server.firstAdminLink, { admin: { username: people.admin, displayName: "Адміністратор" }, password: PASSWORD, pages, roles, names: people, founders: ["operator", "verifier"] });
      await admitMember(verifier, people.verifier2);
      await expectTeamKeyHeld(admin, people.verifier2);

      // Earlier, a man writing from this number was verified by two verifiers.
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Мельник Остап", phone: NUMBER }, "Хочу сдаться, служу в 3-й роте.");
      const { caseId: verifiedId, number: verifiedNumber } = await handNewestToVerification(operator);
      await twoVerifiersVerify(verifier, verifier2, verifiedId);
      // Nothing contradicts his verdict yet.
      await verifier.getByRole("link", { name: uk.nav.verification, exact: true }).click();
      await visible(verifier.getByText(v.rechecks.empty));

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
      await chooseByLabel(verifier, w.add.kind, v.kinds.name, form);
      await form.getByLabel(w.add.value, { exact: false }).fill("Бондар Ігор Васильович");
      await form.getByLabel(w.add.birthDate, { exact: false }).fill("1988-05-17");
      await form.getByRole("button", { name: w.add.submit }).click();
      await visible(verifier.locator('[data-testid="watchlist-entry"][data-kind="name_birth"]'));
      await screenshot(verifier, "watchlist-01-verifier");

      // The verified man's number is on the list now: his case waits on the verifiers' re-check list, with the reason.
      await verifier.getByRole("link", { name: uk.nav.verification, exact: true }).click();
      const due = verifier.locator(`[data-testid="recheck-row"][data-case-number="${verifiedNumber}"]`);
      await visible(due);
      expect(await due.innerText()).toContain(v.recheck.reasons.watchlist_hit);
      await due.getByRole("link", { name: v.caseNumber.replace("{{number}}", verifiedNumber) }).click();
      await visible(verifier.getByTestId("recheck"));
      await screenshot(verifier, "watchlist-02-recheck");

      // A request comes from that number on the web form: the verifiers see it flagged, the operator sees only "needs verification".
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Соколов Андрей", phone: NUMBER }, "Хочу сдаться, где вас найти?");
      await operator.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      const row = operator.locator(`[data-testid="inbox-row"]:not([data-case-number="${verifiedNumber}"])`).first();
      await visible(row, 20_000);
      const number = (await row.getAttribute("data-case-number"))!;
      await visible(row.getByTestId("case-flag-needs_verification"));
      expect(await row.getByTestId("case-flag-needs_verification").innerText()).toBe(uk.case.flags.needs_verification);
      expect(await operator.locator("body").innerText()).not.toMatch(new RegExp(`${v.reasons.provocation}|${w.title}`));
      await verifier.getByRole("link", { name: uk.nav.verification, exact: true }).click();
      const hit = verifier.getByTestId("watchlist-hit").filter({ hasText: v.caseNumber.replace("{{number}}", number) });
      // Reloaded once (the request came after the page was read), then waited for, not reloaded again before the list arrives.
      await verifier.reload();
      await poll(() => hit.count(), 20_000).toBeGreaterThan(0);
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
      await screenshot(supervisor, "watchlist-03-supervisor-phone");
    } catch (err) {
      await screenshotAll(suite.browser, "watchlist-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
