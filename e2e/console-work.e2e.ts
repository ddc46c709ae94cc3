import fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import en from "../src/web/i18n/en.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, expectTeamKeyHeld, invite, poll, visible } from "./support/console.js";

/**
 * What a night shift sees, in Chromium against the real server: the inbox shows who wrote and
 * what he said last; the web form's answers in the case panel are labelled in Ukrainian and in
 * English (never raw codes); a supervisor who clicks a case is told plainly that his role may not
 * open it; the audit page filters, shows one "case opened" per opening and exports the same rows
 * as CSV. Needs `npm run build` first.
 */

const ADMIN = { username: "admin.night", displayName: "Олена Нічна", password: "довгий пароль адміністраторки 2024" };
const OPERATOR = { username: "oksana.operator", displayName: "Оксана Мельник", password: "довгий пароль операторки нічної зміни" };
const SUPERVISOR = { username: "taras.supervisor", displayName: "Тарас Коваленко", password: "довгий пароль керівника нічної зміни" };
const APPLICANT = { name: "Волков Сергей Николаевич", phone: "+7 913 555-77-11", message: "Добрый вечер. Меня скоро отправят под Запорожье, хочу сдаться вместе с танком." };

/** The public form, with the questionnaire answered as an applicant would. */
async function submitQuestionnaire(ctx: BrowserContext, publicUrl: string) {
  const page = await ctx.newPage();
  await page.goto(`${publicUrl}/request`);
  await page.locator("#f-name").fill(APPLICANT.name);
  await page.locator('input[name="deployed"][value="soon"]').check();
  await page.locator("#f-region").selectOption("zaporizhzhia");
  await page.locator('input[name="equipment"][value="tank_sp_artillery"]').check();
  await page.locator("#f-equipment_note").fill("Т-72Б3, на ходу");
  await page.locator("#f-phone").fill(APPLICANT.phone);
  await page.locator("#f-message").fill(APPLICANT.message);
  await page.locator("#request-form button[type=submit]").click();
  await visible(page.locator("#receipt-code"), 30_000);
  await page.close();
}

const RAW_CODES = ["soon", "zaporizhzhia", "tank_sp_artillery", '["tank_sp_artillery"]', "equipmentNote", "deployed", "site", "ru"];

async function expectLabelled(page: Page, cat: typeof uk) {
  const q = page.getByTestId("section-questionnaire");
  await visible(q);
  await poll(() => q.getByTestId("field-questionnaire-deployed").innerText()).toContain(cat.choices.deployed.soon);
  expect(await q.getByTestId("field-questionnaire-deployed").innerText()).toContain(cat.sections.questionnaire.deployed);
  expect(await q.getByTestId("field-questionnaire-region").innerText()).toContain(cat.choices.regions.zaporizhzhia);
  expect(await q.getByTestId("field-questionnaire-equipment").innerText()).toContain(cat.choices.equipment.tank_sp_artillery);
  const note = await q.getByTestId("field-questionnaire-equipmentNote").innerText();
  expect(note).toContain(cat.sections.questionnaire.equipmentNote);
  expect(note).toContain("Т-72Б3, на ходу");
  // No label or value cell is a raw key or code.
  const cells = await page.getByTestId("case-sections").locator("td").allInnerTexts();
  expect(cells.map((c) => c.trim()).filter((c) => RAW_CODES.includes(c))).toEqual([]);
}

describe("the console on a night shift", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("inbox previews, labelled answers in uk and en, a clear refusal, audit filters and CSV", async () => {
    const adminPage = await (await context()).newPage();
    const opPage = await (await context()).newPage();
    const supPage = await (await context()).newPage();
    const applicant = await context();
    try {
      await adminPage.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const opLink = await invite(adminPage, "operator", OPERATOR.username);
      const supLink = await invite(adminPage, "supervisor", SUPERVISOR.username);
      await opPage.goto(opLink);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password });
      await supPage.goto(supLink);
      await acceptAndEnrol(supPage, { displayName: SUPERVISOR.displayName, password: SUPERVISOR.password });
      // The administrator (custodian of the team keys) is online: the operator gets his team key.
      await expectTeamKeyHeld(adminPage, OPERATOR.username);

      // The request arrives; the operator's inbox row says who and what, live.
      await opPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      await poll(() => opPage.getByTestId("live-status").getAttribute("data-live")).toBe("on");
      await submitQuestionnaire(applicant, suite.server.publicUrl);
      const row = opPage.getByTestId("inbox-row").first();
      await visible(row, 20_000);
      await poll(() => row.getByTestId("inbox-who").innerText()).toBe(APPLICANT.name);
      expect(await row.getByTestId("inbox-preview").innerText()).toContain("Добрый вечер. Меня скоро отправят под Запорожье");
      // The unread count is in the tab title, for a console left in a background tab.
      await poll(() => opPage.title()).toMatch(/^\(1\) /);
      const caseId = (await row.getAttribute("data-case-id"))!;
      const caseNumber = (await row.getAttribute("data-case-number"))!;
      // Nothing is cut off at 1440 px: every cell shows its whole content.
      await opPage.setViewportSize({ width: 1440, height: 900 });
      const clipped = await opPage.getByTestId("inbox-table").evaluate((table) =>
        [...table.querySelectorAll("th, td")].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
      );
      expect(clipped).toEqual([]);
      await screenshot(opPage, "work-01-inbox-preview");
      // On a phone: one card per case, nothing wider than the screen.
      await opPage.setViewportSize({ width: 390, height: 844 });
      await visible(row.getByTestId("inbox-preview"));
      await poll(() => opPage.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
      await screenshot(opPage, "work-01b-inbox-phone");
      await opPage.setViewportSize({ width: 1440, height: 900 });

      // The case panel: every answer labelled, in Ukrainian…
      await row.click();
      await visible(opPage.getByTestId("case-title"));
      await expectLabelled(opPage, uk);
      await screenshot(opPage, "work-02-labelled-uk");
      // … and in English.
      await opPage.getByTestId("language-picker").click();
      await opPage.getByRole("menuitem", { name: en.languages.en }).click();
      await expectLabelled(opPage, en as typeof uk);
      await screenshot(opPage, "work-03-labelled-en");

      // The supervisor sees the case in his list (numbers only) and is told plainly he may not open it.
      await supPage.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
      const supRow = supPage.locator(`[data-testid=inbox-row][data-case-id="${caseId}"]`);
      await visible(supRow);
      expect(await supRow.innerText()).not.toContain(APPLICANT.name);
      await supRow.click();
      await visible(supPage.getByTestId("no-access"));
      await visible(supPage.getByRole("heading", { name: uk.noAccess.title }));
      expect(await supPage.getByTestId("no-access").innerText()).toContain(uk.noAccess.text.replace("{{role}}", uk.roles.supervisor));
      expect(await supPage.getByRole("heading", { name: uk.notFound.title }).count()).toBe(0);
      await screenshot(supPage, "work-04-supervisor-refused");

      // The audit page: filtered to this case's openings, one row for the one opening, labelled, linked.
      await adminPage.getByRole("link", { name: uk.nav.audit }).click();
      await visible(adminPage.getByTestId("audit-table"));
      await adminPage.getByTestId("audit-filter-action").click();
      await adminPage.getByRole("option", { name: uk.audit.actions.case.opened, exact: true }).click();
      await adminPage.getByTestId("audit-filter-case").fill(caseNumber);
      await adminPage.getByTestId("audit-filter-apply").click();
      const rows = adminPage.getByTestId("audit-row");
      await poll(async () => adminPage.url()).toContain("action=case.opened");
      await poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute("data-action")).toBe("case.opened");
      expect(await rows.first().innerText()).toContain(OPERATOR.displayName);
      const link = rows.first().getByTestId("audit-case-link");
      expect(await link.innerText()).toBe(uk.audit.caseLink.replace("{{number}}", caseNumber));
      await screenshot(adminPage, "work-05-audit-filtered");

      // The CSV holds the same rows.
      const [download] = await Promise.all([adminPage.waitForEvent("download"), adminPage.getByTestId("audit-export").click()]);
      expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d\d-\d\d\.csv$/);
      const csv = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
      expect(csv[0]).toBe("seq,at,actor_id,actor_name,action,subject_type,subject_id,case_number,details");
      expect(csv).toHaveLength(2);
      expect(csv[1]).toContain(",case.opened,case,");
      expect(csv[1]).toContain(caseId);
      expect(csv[1]).toContain(`,${caseNumber},`);
      expect(csv.join("\n")).not.toContain(APPLICANT.name);

      // Every action on the unfiltered page is labelled (no raw keys where words belong).
      await adminPage.getByTestId("audit-filter-clear").click();
      await poll(() => rows.count()).toBeGreaterThan(5);
      const unlabelled = await rows.evaluateAll((trs) =>
        trs.map((tr) => tr.querySelectorAll("td")[3]).map((td) => [...(td?.querySelectorAll("p") ?? [])].map((p) => p.textContent)).filter(([label, key]) => label === key),
      );
      expect(unlabelled).toEqual([]);
      await screenshot(adminPage, "work-06-audit");
    } catch (err) {
      await screenshotAll(suite.browser, "work-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
