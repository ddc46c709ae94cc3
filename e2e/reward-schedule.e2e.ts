import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot } from "./support/browser.js";
import { logCallAndHandOver, poll, staffUp, visible } from "./support/console.js";
import { notWhole } from "./support/layout.js";

/**
 * A new version of the law 7229 schedule in Chromium against the real server: an administrator
 * enters it on a phone-width screen, by keyboard, from today with the helicopter raised to
 * $600,000; his own approval is refused in words; a second administrator approves it. The reward
 * officer's claim form, open before the approval with the seed's $500,000, shows $600,000 for a
 * handover today the next time it opens (no schedule cached past the form), and still $500,000 for
 * one yesterday; a claim for a helicopter handed over today is then assessed at $600,000.
 * Needs `npm run build` first.
 */

const PASSWORD = "довгий пароль для переліку 2024";
const people = { admin: "admin.schedule", admin2: "olena.admin", operator: "taras.op", ro1: "iryna.assessor" } as const;
type Who = keyof typeof people;
const NEW_AMOUNT = /600\s000,00/u;
const OLD_AMOUNT = /500\s000,00/u;
const helicopter = uk.choices.equipment.combat_helicopter;
const label = (key: string) => key.replace("{{item}}", helicopter).replace("{{currency}}", "USD");

describe("the reward schedule in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("one administrator enters a version, a second approves it, and a claim is priced from it", async () => {
    const pages = {} as Record<Who, Page>;
    for (const k of Object.keys(people) as Who[]) pages[k] = await (await context()).newPage();
    const { admin, admin2, operator, ro1 } = pages;
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    try {
      const roles = { admin2: "admin", operator: "operator", ro1: "reward_officer" } as const;
      await staffUp(admin, suite.server.firstAdminLink, { admin: { username: people.admin, displayName: "Адміністратор" }, password: PASSWORD, pages, roles, names: people, founders: ["operator", "ro1"] });

      // On a phone: the first administrator finds the page in the menu's route and enters the version.
      await admin.setViewportSize({ width: 390, height: 844 });
      await admin.goto(`${suite.server.staffUrl}/console/reward-schedule`);
      const versions = admin.getByTestId("schedule-versions");
      await visible(versions);
      await poll(() => versions.locator("[data-standing=in_force]").getAttribute("data-effective")).toBe("2022-04-01");
      const form = admin.getByTestId("schedule-propose");
      // Prefilled from the version in force: the helicopter row says $500,000.
      expect(await form.getByLabel(label(uk.rewards.schedule.min)).inputValue()).toMatch(/^500\s000$/u);
      await form.getByTestId("schedule-effective").fill(today);
      // By keyboard: type into the fields, Tab between them, Enter sends the form.
      await form.getByLabel(label(uk.rewards.schedule.min)).fill("600000");
      await admin.keyboard.press("Tab");
      expect(await form.getByLabel(label(uk.rewards.schedule.max)).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await admin.keyboard.type("600000");
      await form.getByTestId("schedule-source").fill("Зміна до переліку (тест)");
      await admin.keyboard.press("Enter");
      await visible(form.getByTestId("schedule-proposed"));
      const pending = admin.getByTestId("schedule-pending");
      await visible(pending);
      expect(await pending.getAttribute("data-effective")).toBe(today);
      expect(await pending.innerText()).toMatch(NEW_AMOUNT);
      await poll(() => admin.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
      // Each version's standing is the catalog's word, whole on the phone.
      const standings = versions.getByTestId("schedule-standing");
      const words = uk.rewards.schedule.standings as Record<string, string>;
      await poll(() => standings.count()).toBe(2);
      for (const row of await versions.getByTestId("schedule-version").all()) expect(await row.getByTestId("schedule-standing").innerText()).toBe(words[(await row.getAttribute("data-standing"))!]);
      expect(await notWhole(standings, 390)).toEqual([]);
      await screenshot(admin, "schedule-01-proposed-phone");

      // The reward officer opens the claim form now, before the approval: the seed's price.
      const caseId = await logCallAndHandOver(operator, { number: "+7 912 555-06-00", summary: "Пілот гелікоптера.", team: "rewards" });
      await ro1.goto(`${suite.server.staffUrl}/console/cases/${caseId}`);
      await visible(ro1.getByText(`${uk.case.team}: ${uk.teamNames.rewards}`));
      const openForm = async () => {
        await ro1.getByTestId("open-reward-claim").click();
        const f = ro1.getByTestId("claim-new");
        await visible(f);
        await f.getByTestId("claim-equipment").click();
        await ro1.getByRole("option", { name: helicopter, exact: true }).click();
        return f;
      };
      const priced = async (f: typeof form, amount: RegExp, from: string) => {
        await poll(() => f.getByTestId("claim-schedule-amount").innerText()).toMatch(amount);
        expect(await f.getByTestId("claim-schedule-amount").innerText()).toContain(helicopter);
        expect(await f.getByTestId("claim-schedule-version").innerText()).toBe(uk.rewards.new.scheduleVersion.replace("{{day}}", from));
      };
      await priced(await openForm(), OLD_AMOUNT, "2022-04-01");
      // Back to the case page inside the console (no reload: the page's query cache stays).
      await ro1.goBack();
      await visible(ro1.getByTestId("open-reward-claim"));

      // His own approval is refused, in words, and the version stays pending.
      await pending.getByTestId("schedule-approve").click();
      await poll(() => admin.getByTestId("schedule-approve-error").innerText()).toBe(uk.rewards.schedule.refusals.proposer_approves);
      expect(await versions.locator(`[data-effective="${today}"]`).getAttribute("data-standing")).toBe("pending");

      // The second administrator approves it: in force from today.
      await admin2.goto(`${suite.server.staffUrl}/console/reward-schedule`);
      const pending2 = admin2.getByTestId("schedule-pending");
      await visible(pending2);
      await pending2.getByTestId("schedule-approve").click();
      const versions2 = admin2.getByTestId("schedule-versions");
      await poll(() => versions2.locator(`[data-effective="${today}"]`).getAttribute("data-standing")).toBe("in_force");
      expect(await versions2.locator('[data-effective="2022-04-01"]').getAttribute("data-standing")).toBe("superseded");
      expect(await admin2.getByTestId("schedule-pending").count()).toBe(0);
      await screenshot(admin2, "schedule-02-approved");

      // The claim form opened again (in the same page, its cache kept) shows the new version's
      // price for a handover today, and the old one for a handover the day before it took effect.
      const claim = await openForm();
      await priced(claim, NEW_AMOUNT, today);
      await claim.getByLabel(uk.rewards.new.handedOverOn).fill(yesterday);
      await priced(claim, OLD_AMOUNT, "2022-04-01");
      await claim.getByLabel(uk.rewards.new.handedOverOn).fill(today);
      await priced(claim, NEW_AMOUNT, today);
      await screenshot(ro1, "schedule-03-form");
      // A helicopter handed over today is assessed at $600,000.
      await claim.getByRole("button", { name: uk.rewards.new.submit }).click();
      const card = ro1.getByTestId("claim-card");
      await visible(card);
      await card.getByTestId("claim-inspect").click();
      await poll(() => card.getByTestId("claim-inspection").innerText()).toContain(uk.rewards.serviceabilities.serviceable);
      await card.getByTestId("claim-assess").click();
      await poll(() => card.getByTestId("claim-card-state").innerText()).toBe(uk.rewards.states.assessed);
      expect(await card.innerText()).toMatch(NEW_AMOUNT);
      expect(await card.innerText()).not.toMatch(/500\s000,00/u);
      await screenshot(ro1, "schedule-04-priced");
    } catch (err) {
      for (const p of suite.browser.contexts().flatMap((c) => c.pages())) await screenshot(p, `schedule-failure-${p.url().split("/").pop()?.split("#")[0]?.slice(0, 40) || "page"}`).catch(() => {});
      throw err;
    }
    for (const tr of troubles) {
      expect(tr.csp, "CSP violations").toEqual([]);
      expect(tr.pageErrors, "uncaught page errors").toEqual([]);
    }
  }, 300_000);
});
