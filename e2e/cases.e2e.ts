import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { submitWebRequest } from "./support/applicant.js";
import { acceptAndEnrol, expectTeamKeyHeld, invite, poll, visible } from "./support/console.js";

/**
 * Case work end to end, in Chromium against the real server: an administrator invites an operator
 * and a verifier; the operator enrols 2FA, watches a web request arrive live in the inbox, assigns
 * it to himself and replies with a canned reply; the applicant reads the reply on the public site
 * with his receipt code; the verifier, outside the intake team, gets "not found"; the same person
 * writes again, the duplicate is suggested and merged. Needs `npm run build` first.
 */

const ADMIN = { username: "admin.cases", displayName: "Олена Адміністраторка", password: "довгий пароль адміністратора 2024" };
const OPERATOR = { username: "maria.operator", displayName: "Марія Коваль", password: "довгий пароль операторки 2024" };
const VERIFIER = { username: "ihor.verifier", displayName: "Ігор Бондар", password: "довгий пароль перевіряльника 2024" };
const APPLICANT = { name: "Смирнов Алексей Викторович", phone: "+7 912 555-01-02" };

/** The applicant's side: the public request form, as a person fills it in. Returns his receipt code. */
describe("case work in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("invite, enrol, live arrival, assign, reply, applicant reads it, outsider refused, duplicate merged", async () => {
    const adminPage = await (await context()).newPage();
    const opPage = await (await context()).newPage();
    const verPage = await (await context()).newPage();
    const applicant = await context();
    try {
      // The administrator invites an operator (intake team) and a verifier (verification team).
      await adminPage.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const opLink = await invite(adminPage, "operator", OPERATOR.username);
      const verLink = await invite(adminPage, "verifier", VERIFIER.username);

      // Each enrols 2FA in a browser of their own.
      await opPage.goto(opLink);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password });
      await verPage.goto(verLink);
      await acceptAndEnrol(verPage, { displayName: VERIFIER.displayName, password: VERIFIER.password });

      // The administrator (custodian of the team keys) is online: the new members get their team key.
      await expectTeamKeyHeld(adminPage, OPERATOR.username);
      await screenshot(adminPage, "cases-01-teams");

      // The operator's inbox, connected live.
      await opPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      await poll(() => opPage.getByTestId("live-status").getAttribute("data-live")).toBe("on");
      await visible(opPage.getByText(uk.inbox.empty));

      // A web request arrives and shows up without a reload.
      const code = await submitWebRequest(applicant, suite.server.publicUrl, APPLICANT, "Здравствуйте. Хочу сдаться, нас двое. Как это сделать?");
      expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      const rows = opPage.getByTestId("inbox-row");
      await poll(() => rows.count()).toBe(1);
      const caseId = (await rows.first().getAttribute("data-case-id"))!;
      const firstNumber = (await rows.first().getAttribute("data-case-number"))!;
      await visible(rows.first().getByTestId("unread-count"));
      await screenshot(opPage, "cases-02-inbox");

      // Open it (keyboard: Enter on the selected row), assign to me (a), reply with a canned reply.
      await opPage.keyboard.press("Enter");
      await visible(opPage.getByTestId("case-title"));
      await visible(opPage.getByTestId("section-identity").getByText(APPLICANT.name));
      await opPage.keyboard.press("a");
      await poll(() => opPage.getByTestId("case-assignee").innerText()).toContain(OPERATOR.displayName);
      await opPage.getByTestId("canned-open").click();
      await opPage.getByTestId("canned-item").first().click();
      const box = opPage.getByTestId("composer-text");
      await poll(() => box.inputValue()).toContain("Хочу жить");
      await box.press("End");
      await box.pressSequentially(" Оператор Мария на связи.");
      await opPage.getByTestId("composer-send").click();
      await visible(opPage.getByTestId("message-out").getByText("Оператор Мария на связи.", { exact: false }));
      // An internal note, never shown to him.
      await opPage.keyboard.press("n");
      await box.fill("Перевірити телефон у базі.");
      await box.press("Control+Enter");
      await visible(opPage.getByTestId("message-note").getByText("Перевірити телефон у базі."));
      await screenshot(opPage, "cases-03-case-view");

      // The applicant comes back with his code and reads the reply, not the note.
      // Later, on another day: a fresh browser with nothing but his code.
      const back = await (await context()).newPage();
      await back.goto(`${suite.server.publicUrl}/return`);
      await back.locator("#f-code").fill(code);
      await back.locator("#f-code").press("Enter");
      await poll(() => back.locator("body").innerText(), 30_000).toContain("Оператор Мария на связи.");
      expect(await back.locator("body").innerText()).not.toContain("Перевірити телефон");
      await screenshot(back, "cases-04-applicant-reads-reply");
      await back.close();

      // The verifier is outside the intake team: the case does not exist for him.
      await verPage.goto(`${suite.server.staffUrl}/console/cases/${caseId}`);
      await visible(verPage.getByRole("heading", { name: uk.notFound.title }));
      const api = await verPage.evaluate(async (id) => (await fetch(`/api/cases/${id}`)).status, caseId);
      expect(api).toBe(404);
      await verPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      await visible(verPage.getByText(uk.inbox.empty));

      // The same man writes again from another request: the duplicate is suggested and merged.
      await opPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      await poll(() => rows.count()).toBe(1);
      await submitWebRequest(applicant, suite.server.publicUrl, APPLICANT, "Это снова я, телефон тот же. Ответьте, пожалуйста.");
      await poll(() => rows.count()).toBe(2);
      const second = opPage.locator(`[data-testid=inbox-row]:not([data-case-id="${caseId}"])`);
      await second.click();
      const dup = opPage.getByTestId("duplicate-row");
      await visible(dup);
      expect(await dup.innerText()).toContain(`#${firstNumber}`);
      await screenshot(opPage, "cases-05-duplicate-suggested");
      await dup.getByTestId("duplicate-merge").click();
      await opPage.getByLabel(uk.case.merge.intoOther.replace("{{self}}", await caseNumberOf(opPage)).replace("{{other}}", firstNumber)).check();
      await opPage.getByTestId("merge-reason").fill("Той самий заявник, той самий телефон");
      await opPage.getByTestId("merge-submit").click();
      // Back in the first case, which now carries both threads.
      await poll(async () => opPage.url()).toContain(caseId);
      await visible(opPage.getByTestId("merged-sources"));
      await visible(opPage.getByTestId("from-merged-case").first());
      await visible(opPage.getByText("Это снова я, телефон тот же.", { exact: false }));
      await screenshot(opPage, "cases-06-merged");
      await opPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      await poll(() => rows.count()).toBe(1);

      // Keyboard help.
      await opPage.keyboard.press("Shift+Slash");
      await visible(opPage.getByTestId("shortcuts-help"));
    } catch (err) {
      await screenshotAll(suite.browser, "cases-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});

async function caseNumberOf(page: Page): Promise<string> {
  const title = await page.getByTestId("case-title").innerText();
  return /(\d+)/.exec(title)?.[1] ?? "";
}
