import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import en from "../src/web/i18n/en.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, admitMember, expectTeamKeyHeld, invite, logCallAndHandOver, poll, visible } from "./support/console.js";

/**
 * The resettlement officer in Chromium against the real server: an operator logs a call and
 * assigns the new case to him; he opens its guarantees and family card, adds a guarantee task
 * and a family member with a relocation step already overdue, and the board shows both, the
 * overdue step first. He puts a second officer on the file, gives her the relocation step as he
 * writes it and hands her the guarantee; she sees both on her board. Keyboard only for the
 * text forms (Tab and Enter). Needs `npm run build` first.
 */

const ADMIN = { username: "admin.resettle", displayName: "Олена Адміністраторка", password: "довгий пароль адміністратора 2024" };
const OPERATOR = { username: "oksana.operator", displayName: "Оксана Мельник", password: "довгий пароль операторки 2024" };
const OFFICER = { username: "oksana.resettle", displayName: "Оксана Лисенко", password: "довгий пароль офіцерки переселення" };
const OFFICER2 = { username: "petro.resettle", displayName: "Петро Гнатюк", password: "довгий пароль другого офіцера переселення" };
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("resettlement in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("a guarantee task and a family member with a relocation step; the board shows them, overdue first", async () => {
    const adminPage = await (await context()).newPage();
    const opPage = await (await context()).newPage();
    const resPage = await (await context()).newPage();
    const res2Page = await (await context()).newPage();
    try {
      await adminPage.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const opLink = await invite(adminPage, "operator", OPERATOR.username);
      const resLink = await invite(adminPage, "resettlement_officer", OFFICER.username);
      const res2Link = await invite(adminPage, "resettlement_officer", OFFICER2.username);
      await opPage.goto(opLink);
      await acceptAndEnrol(opPage, { displayName: OPERATOR.displayName, password: OPERATOR.password });
      await resPage.goto(resLink);
      await acceptAndEnrol(resPage, { displayName: OFFICER.displayName, password: OFFICER.password });
      await res2Page.goto(res2Link);
      await acceptAndEnrol(res2Page, { displayName: OFFICER2.displayName, password: OFFICER2.password });
      await expectTeamKeyHeld(adminPage, OPERATOR.username);
      // The custodian founds the resettlement team with the first officer, who admits the second.
      await expectTeamKeyHeld(adminPage, OFFICER.username);
      await admitMember(resPage, OFFICER2.username);

      // The operator logs a call; the new case goes to the resettlement team and its first officer.
      const caseId = await logCallAndHandOver(opPage, { number: "+7 912 555-03-05", summary: "Дзвонив, просить вивезти матір.", team: "resettlement", person: OFFICER.displayName });

      // The officer opens the card: nothing yet, labelled in Ukrainian.
      await resPage.goto(`${suite.server.staffUrl}/console/resettlement/${caseId}`);
      await visible(resPage.getByText(uk.resettlement.card.notStarted));
      // A guarantee, typed and sent from the keyboard.
      const g = resPage.getByTestId("guarantee-form");
      await g.getByLabel(uk.resettlement.task.due).fill(day(30));
      await g.getByLabel(uk.resettlement.task.notes).fill("Паспорт через консульство");
      await g.getByLabel(uk.resettlement.task.notes).press("Tab");
      await resPage.keyboard.press("Enter");
      await visible(resPage.getByTestId("guarantees").getByText(uk.resettlement.kinds.secrecy, { exact: true }));
      // The file is started: he puts the second officer on it.
      const o = resPage.getByTestId("officer-form");
      await o.getByTestId("officer-person").click();
      await resPage.getByRole("option", { name: OFFICER2.displayName, exact: true }).click();
      await o.getByRole("button", { name: uk.resettlement.officers.add }).click();
      await poll(() => resPage.getByTestId("file-officers").innerText()).toContain(OFFICER2.displayName);
      // A family member, then a step of her relocation, already overdue.
      const m = resPage.getByTestId("member-form");
      await m.getByLabel(uk.resettlement.member.name).fill("Лисенко Марія");
      await m.getByLabel(uk.resettlement.member.relation).fill("мати");
      await m.getByLabel(uk.resettlement.member.whereabouts).fill("Курськ");
      await m.getByLabel(uk.resettlement.member.consent).check();
      await m.getByLabel(uk.resettlement.member.relation).press("Enter");
      const member = resPage.getByTestId("family-member");
      await visible(member.getByText("Лисенко Марія (мати)"));
      const s = member.locator("form");
      await s.getByLabel(uk.resettlement.steps.step).fill("Виїзд через Грузію");
      await s.getByLabel(uk.resettlement.task.due).fill(day(-3));
      // The step is hers from the start.
      await s.getByLabel(uk.resettlement.task.ownerLabel).click();
      await resPage.getByRole("option", { name: OFFICER2.displayName, exact: true }).click();
      await s.getByLabel(uk.resettlement.steps.step).press("Enter");
      await visible(member.getByText(uk.resettlement.task.overdueOn.replace("{{day}}", day(-3))));
      await poll(() => member.getByTestId("task-owner").innerText()).toBe(uk.resettlement.task.owner.replace("{{name}}", OFFICER2.displayName));
      // And he hands her the guarantee too.
      const guarantees = resPage.getByTestId("guarantees");
      await guarantees.getByLabel(uk.resettlement.task.ownerOf.replace("{{task}}", uk.resettlement.kinds.secrecy)).click();
      await resPage.getByRole("option", { name: OFFICER2.displayName, exact: true }).click();
      await poll(() => guarantees.getByTestId("task-owner").innerText()).toBe(uk.resettlement.task.owner.replace("{{name}}", OFFICER2.displayName));
      await screenshot(resPage, "resettlement-01-card");

      // The board: the overdue step first, then the guarantee.
      await resPage.getByRole("link", { name: uk.nav.resettlement, exact: true }).click();
      const rows = resPage.getByTestId("board-row");
      await poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute("data-overdue")).toBe("true");
      expect(await rows.nth(0).innerText()).toContain("Виїзд через Грузію");
      expect(await rows.nth(1).innerText()).toContain(uk.resettlement.kinds.secrecy);
      await screenshot(resPage, "resettlement-02-board");

      // The second officer's board: both tasks, hers.
      await res2Page.reload();
      await res2Page.getByRole("link", { name: uk.nav.resettlement, exact: true }).click();
      const rows2 = res2Page.getByTestId("board-row");
      await poll(() => rows2.count()).toBe(2);
      for (const i of [0, 1]) expect(await rows2.nth(i).innerText()).toContain(OFFICER2.displayName);

      // In English too, no raw codes.
      await resPage.getByTestId("language-picker").click();
      await resPage.getByRole("menuitem", { name: en.languages.en }).click();
      await visible(resPage.getByRole("heading", { name: en.resettlement.board.title }));
      expect(await rows.nth(1).innerText()).toContain(en.resettlement.kinds.secrecy);
      expect(await resPage.getByTestId("resettlement-board").innerText()).not.toMatch(/\b(secrecy|in_progress|open)\b/);
      // The card's new controls are in English too.
      await rows.nth(0).getByRole("link").click();
      await visible(resPage.getByTestId("officer-form").getByRole("button", { name: en.resettlement.officers.add }));
      await visible(resPage.getByTestId("guarantees").getByLabel(en.resettlement.task.ownerOf.replace("{{task}}", en.resettlement.kinds.secrecy)));
      expect(await resPage.locator("main").innerText()).not.toMatch(/resettlement\.|ownerOf|ownerLabel/);
    } catch (err) {
      await screenshotAll(suite.browser, "resettlement-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  }, 240_000);
});
