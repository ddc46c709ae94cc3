import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, SCREENSHOTS, screenshot, expectNoTroubles, screenshotAll } from "./support/browser.js";
import { poll, visible } from "./support/console.js";
import { loadDemo, signInDemo } from "./support/demo.js";
import { staffToday } from "../src/shared/zoned-time.js";

/**
 * A registrar's work in Chromium against the real server, on the demo store (its handed-over
 * cases are registration's to register): he opens one from the register, enters and confirms the
 * Art. 17/122 record, registers him, records a transfer and his choice, downloads the capture
 * card, sees it still overdue until he records it sent, and finds him again in the register by
 * name. Needs `npm run build` first.
 */

const R = uk.registration;
let demo: { dir: string; secrets: Record<string, string> };

// The demo takes longer than a hook's default: it is loaded once, before the server opens the store.
beforeAll(() => void (demo = loadDemo("sp-e2e-demo-", ["registrar1"])), 600_000);
afterAll(() => fs.rmSync(demo.dir, { recursive: true, force: true }));

const RECORD: Record<string, string> = {
  surname: "Зайцев",
  first_names: "Павел Андреевич",
  rank: "младший сержант",
  birth_date: "1994-03-17",
  service_number: "АВ-739154",
  birth_place: "г. Курск",
  power: "Российская Федерация",
  father_first_name: "Андрей",
  mother_maiden_name: "Ёлкина",
  informed_person_name: "Зайцева Мария Ивановна",
  informed_person_address: "Курск, ул. Щорса, д. 5, кв. 12",
  capture_date: "2026-11-20",
  capture_place: "Запорожская обл., у с. Работино",
  internment_place: "Пункт содержания № 3",
  arrival_date: "2026-11-23",
};

async function fillRecord(page: Page) {
  const form = page.getByTestId("record-form");
  for (const [f, v] of Object.entries(RECORD)) {
    await form.getByLabel(R.fields[f as keyof typeof R.fields], { exact: true }).fill(v);
    await form.getByTestId(`confirm-${f}`).check();
  }
  await form.getByLabel(R.fields.health, { exact: true }).click();
  await page.getByRole("option", { name: R.health.slightly_wounded }).click();
  await form.getByTestId("confirm-health").check();
  await form.getByLabel(R.form.familyConsent).check();
  await form.getByTestId("record-save").click();
  await visible(form.getByText(R.form.saved));
}

describe("prisoner-of-war registration in the console", () => {
  const suite = browserSuite({ prepare: (env) => void (env.SAFE_PASSAGE_DATA = demo.dir), setupLink: false });
  const { troubles, context } = suite;

  it("registers a handed-over man, records a transfer and his choice, prints his card and marks it sent, finds him by name", async () => {
    const page = await (await context()).newPage();
    await page.setViewportSize({ width: 1280, height: 1600 });
    try {
      await signInDemo(page, suite.server.staffUrl, "registrar1", demo.secrets.registrar1!);

      // The register: a handed-over case, not yet recorded.
      await page.getByRole("link", { name: uk.nav.registration, exact: true }).click();
      const table = page.getByTestId("register-table");
      const row = table.locator("tbody tr", { hasText: R.states.handed_over }).first();
      await visible(row);
      await row.getByRole("link", { name: R.openRecord }).click();
      const title = page.getByTestId("registration-title");
      await visible(title);
      const number = /(\d+)/.exec(await title.innerText())![1]!;

      // Reachable from the case page too: there and back.
      await page.getByRole("link", { name: R.toCase }).click();
      await page.getByTestId("registration-open").click();
      await visible(page.getByTestId("record-form"));

      // Before the record is complete the move is refused in words; then it goes through.
      await visible(page.getByText(R.registerBlocked));
      await fillRecord(page);
      await page.getByTestId("register-move").click();
      await poll(() => page.getByText(R.states.registered_pow).count()).toBeGreaterThan(0);
      await screenshot(page, "registration-record");

      // A transfer: dated, and it owes a new card.
      const ev = page.getByTestId("event-form");
      await visible(ev);
      // Today: its card is then within its week, whatever day the test runs.
      await ev.getByLabel(R.eventForm.date).fill(staffToday(new Date()));
      await ev.getByLabel(R.eventForm.place).fill("Пункт содержания № 7");
      await ev.getByTestId("event-add").click();
      await visible(ev.getByText(R.eventForm.addedWithCard));
      await poll(() => page.getByTestId("fate-timeline").innerText()).toContain("Пункт содержания № 7");
      await poll(() => page.getByTestId("cards").getByText(R.reasons.transfer).count()).toBe(1);

      // His choice, sealed; shown only when asked.
      const choice = page.getByTestId("choice");
      await choice.getByLabel(R.choice.options.stay).check();
      await choice.getByLabel(R.choice.date).fill("2026-11-29");
      await choice.getByLabel(R.choice.words).fill("Хочу остаться, домой не вернусь");
      await choice.getByTestId("choice-save").click();
      await visible(choice.getByText(R.choice.saved));
      await choice.getByTestId("choice-show").click();
      await poll(() => choice.getByTestId("choice-current").innerText()).toContain("Хочу остаться");

      // The capture card: a PDF download. Printed is not sent: the arrival card (due a week after
      // 23 November) stays overdue, its agency copy "printed, not sent yet".
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("print-agency").first().click()]);
      expect(download.suggestedFilename()).toBe(`capture-card-${number}-agency.pdf`);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, "registration-card.pdf");
      await download.saveAs(file);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
      const firstCard = page.getByTestId("card").first();
      const printedPrefix = R.copy.printedOn.split("{{")[0]!;
      await poll(() => firstCard.getByTestId("copy-agency").innerText()).toContain(printedPrefix);
      expect(await firstCard.getByTestId("card-status").textContent()).toBe(R.status.overdue);

      // Still on the register's overdue list, shown as printed.
      const back = page.getByRole("link", { name: `← ${R.back}` });
      const overdueList = async () => {
        await back.click();
        await page.getByTestId("register-cards").getByText(R.status.overdue, { exact: true }).click();
        await poll(() => table.locator("tbody tr").count()).toBeGreaterThan(0);
        return table.locator("tbody tr", { has: page.getByRole("cell", { name: number, exact: true }) });
      };
      let mine = await overdueList();
      await poll(() => mine.count()).toBe(1);
      expect(await mine.getByTestId("next-card").innerText()).toContain(printedPrefix);
      await mine.getByRole("link", { name: R.openRecord }).click();
      await visible(page.getByTestId("cards"));

      // Mark it sent: the small form, by keyboard where it can be; then the card is sent, labelled with its day and way.
      await firstCard.getByTestId("mark-sent-agency").click();
      const sentForm = page.getByTestId("sent-form-agency");
      await visible(sentForm);
      await sentForm.getByLabel(R.sent.via).click();
      await page.getByRole("option", { name: R.sent.ways.post }).click();
      await sentForm.getByLabel(R.sent.note).fill("Відправлено рекомендованим листом");
      await sentForm.getByTestId("sent-save").click();
      const sentPrefix = R.copy.sentOn.split("{{")[0]!;
      await poll(() => firstCard.getByTestId("copy-agency").innerText()).toContain(sentPrefix);
      const agencyText = await firstCard.getByTestId("copy-agency").innerText();
      for (const part of [R.copy.via, R.sent.ways.post, R.copy.note, "рекомендованим листом"]) expect(agencyText).toContain(part);
      expect(await firstCard.getByTestId("card-status").textContent()).toBe(R.status.sent);
      await expect(firstCard.getByTestId("mark-sent-agency").count()).resolves.toBe(0);

      // Each copy has its own state: the family's is not touched by the agency's; printed, it is
      // printed and not sent, while the next card's is not printed at all.
      expect(await firstCard.getByTestId("copy-family").innerText()).toContain(R.copy.notPrinted);
      const [family] = await Promise.all([page.waitForEvent("download"), firstCard.getByTestId("print-family").click()]);
      expect(family.suggestedFilename()).toBe(`capture-card-${number}-family.pdf`);
      await poll(() => firstCard.getByTestId("copy-family").innerText()).toContain(printedPrefix);
      expect(await firstCard.getByTestId("copy-family").innerText()).toContain(R.copy.family);
      expect(await page.getByTestId("card").nth(1).getByTestId("copy-family").innerText()).toContain(R.copy.notPrinted);
      await screenshot(page, "registration-card-copies");

      // On a phone: the family's copy marked sent, the small form within the screen's width, nothing cut off.
      await page.setViewportSize({ width: 390, height: 844 });
      await firstCard.getByTestId("mark-sent-family").click();
      const familyForm = page.getByTestId("sent-form-family");
      await visible(familyForm);
      await poll(() => page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
      const clipped = await familyForm.evaluate((f) => [...f.querySelectorAll("label, button")].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(clipped).toEqual([]);
      await screenshot(page, "registration-card-sent-phone");
      await familyForm.getByLabel(R.sent.via).click();
      await page.getByRole("option", { name: R.sent.ways.electronic }).click();
      await familyForm.getByTestId("sent-save").click();
      await poll(() => firstCard.getByTestId("copy-family").innerText()).toContain(sentPrefix);
      expect(await firstCard.getByTestId("copy-family").innerText()).toContain(R.sent.ways.electronic);
      await page.setViewportSize({ width: 1280, height: 1600 });

      // Off the overdue list now (the transfer's card is still due, within its week).
      mine = await overdueList();
      await poll(() => mine.count()).toBe(0);
      await page.getByTestId("register-cards").getByText(R.status.due, { exact: true }).click();
      await poll(() => table.locator("tbody tr", { has: page.getByRole("cell", { name: number, exact: true }) }).count()).toBe(1);

      // In the register: found by name, in another order, and nothing of his choice shown.
      await page.getByTestId("register-cards").getByText(R.allCards, { exact: true }).click();
      await page.getByTestId("register-name").fill("павел зайцев");
      await page.getByTestId("register-search").click();
      await poll(() => table.locator("tbody tr").count()).toBe(1);
      expect(await table.innerText()).toContain(number);
      expect(await page.locator("body").innerText()).not.toContain("Хочу остаться");
      await page.getByTestId("register-name").fill("Иванов Пётр");
      await page.getByTestId("register-search").click();
      await visible(page.getByText(R.empty));
      await screenshot(page, "registration-register");
    } catch (err) {
      await screenshotAll(suite.browser, "registration-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
