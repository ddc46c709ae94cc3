import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, expectNoTroubles, screenshot, screenshotAll } from "./support/browser.js";
import { submitWebRequest } from "./support/applicant.js";
import { admitMember, chooseByLabel, expectTeamKeyHeld, handNewestToVerification, poll, reviewInConsole, staffUp, visible } from "./support/console.js";
import { expectNoSidewaysScroll, expectNotClipped } from "./support/layout.js";

/**
 * The verification rules and numbers in Chromium against the real server (issue 11): an
 * administrator renames a checklist item, changes a risk weight and the threshold on the settings
 * page (one administrator's change, audited: the rules need no second approval), and the case's
 * panel scores by them; the supervisor's numbers then show what the test's three requests make:
 * two decisions, one rejected as a provocation (half), the reviewers agreeing on both (kappa 1),
 * one watchlist hit this week. On a desk and on a phone, with nothing cut off. Needs `npm run build` first.
 */

const PASSWORD = "довгий пароль для правил перевірки";
const people = { admin: "admin.rules", operator: "lesia.operator", ver1: "bohdan.verifier", ver2: "roman.verifier", supervisor: "iryna.supervisor" } as const;
const v = uk.verification;
const LABEL = "Фото чи документ збігаються з розповіддю";
const PHONE = 390;
/** An i18next text with its values put in, as the console shows it. */
const fill = (template: string, values: Record<string, string | number>) => template.replace(/{{(\w+)}}/g, (_, k: string) => String(values[k]));

async function onPhone(page: Page, target: string) {
  await page.setViewportSize({ width: PHONE, height: 844 });
  await expectNoSidewaysScroll(page.locator("body"), PHONE);
  await expectNotClipped(page.getByTestId(target));
}

describe("verification rules and numbers in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("an administrator's rules score the case; the supervisor's numbers match the requests made", async () => {
    const pages = {} as Record<keyof typeof people, Page>;
    for (const k of Object.keys(people) as (keyof typeof people)[]) pages[k] = await (await context()).newPage();
    const { admin, operator, ver1, ver2, supervisor } = pages;
    try {
      const roles = { operator: "operator", ver1: "verifier", ver2: "verifier", supervisor: "supervisor" } as const;
      await staffUp(admin, suite.server.firstAdminLink, { admin: { username: people.admin, displayName: "Адміністратор правил" }, password: PASSWORD, pages, roles, names: people, founders: ["operator", "ver1"] });
      await admitMember(ver1, people.ver2);
      await expectTeamKeyHeld(admin, people.ver2);

      // The administrator renames an item, makes a failed check weigh 12 and the threshold 10, and saves.
      await admin.getByRole("link", { name: uk.nav.settings, exact: true }).click();
      const card = admin.getByTestId("verification-settings");
      await visible(card);
      await admin.reload();
      await visible(card);
      const item = card.getByTestId("vs-item-document_matches");
      await item.getByLabel(v.settings.labelUk, { exact: true }).fill(LABEL);
      await card.getByLabel(v.factors.failed_checks, { exact: true }).fill("12");
      await card.getByLabel(v.settings.threshold, { exact: true }).fill("10");
      await card.getByTestId("vs-save").click();
      await visible(card.getByText(uk.settings.saved));
      // Saved once, by one administrator: what the server now answers is what the page shows after a reload.
      await admin.reload();
      await poll(() => card.getByLabel(v.settings.threshold, { exact: true }).inputValue()).toBe("10");
      expect(await card.getByLabel(v.factors.failed_checks, { exact: true }).inputValue()).toBe("12");
      expect(await item.getByLabel(v.settings.labelUk, { exact: true }).inputValue()).toBe(LABEL);
      await screenshot(admin, "verification-settings-01-admin");
      await onPhone(admin, "verification-settings");
      await screenshot(admin, "verification-settings-02-admin-phone");

      // A request is handed over; on its panel the item has its new name, and failing it scores 1 × 12, high at 10.
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Морозов Кирилл", phone: "+7 915 101-20-30" }, "Хочу сдаться, я связист.");
      const first = await handNewestToVerification(operator);
      await ver1.goto(`${suite.server.staffUrl}/console/verification/${first.caseId}`);
      const row = ver1.getByTestId("check-document_matches");
      await visible(row);
      expect(await row.locator("td").first().innerText()).toBe(LABEL);
      await chooseByLabel(ver1, fill(v.checklist.result, { item: LABEL }), v.results.fails, row);
      await row.getByRole("button", { name: v.checklist.save }).click();
      await poll(() => ver1.getByTestId("factor-failed_checks").innerText()).toContain(fill(v.risk.contribution, { count: 1, weight: 12, contribution: 12 }));
      expect(await ver1.getByTestId("risk-score").innerText()).toBe("12");
      const risk = ver1.getByTestId("risk-score").locator("xpath=..");
      expect(await risk.innerText()).toContain("/ 10");
      // The badge's text as written (its CSS shows it in capitals).
      expect(await risk.textContent()).toContain(v.risk.highLabel);
      // Both verify; being high risk, it waits for the supervisor's sign-off, which he gives.
      await reviewInConsole(ver1, first.caseId, v.decisions.verified, v.reasons.genuine);
      await reviewInConsole(ver2, first.caseId, v.decisions.verified, v.reasons.genuine);
      await supervisor.getByRole("link", { name: uk.nav.supervision, exact: true }).click();
      await supervisor.reload();
      const signoff = supervisor.getByTestId(`supervise-${first.number}`);
      await visible(signoff);
      await chooseByLabel(supervisor, v.review.decision, v.decisions.verified, signoff);
      await chooseByLabel(supervisor, v.review.reason, v.reasons.genuine, signoff);
      await signoff.getByLabel(v.supervision.reason).fill("Документ перевірено телефоном, збігається");
      await signoff.getByRole("button", { name: v.supervision.submit }).click();
      await visible(supervisor.getByText(v.supervision.empty));

      // A second request, rejected as a provocation by both; a third from its number is a watchlist hit.
      const BAIT = "+7 916 404-50-60";
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Лебедев Олег", phone: BAIT }, "Где ваши точки выхода?");
      const second = await handNewestToVerification(operator);
      await reviewInConsole(ver1, second.caseId, v.decisions.rejected, v.reasons.provocation);
      await reviewInConsole(ver2, second.caseId, v.decisions.rejected, v.reasons.provocation);
      await submitWebRequest(await context(), suite.server.publicUrl, { name: "Орлов Игорь", phone: BAIT }, "Хочу сдаться");

      // The supervisor's numbers: two decisions, one of them rejected as a provocation, both pairs agreeing, one hit this week.
      await supervisor.reload();
      const numbers = supervisor.getByTestId("verification-numbers");
      await visible(numbers);
      const api = (await supervisor.evaluate(async () => (await fetch("/api/verification/numbers")).json())) as { hoursToDecision: { median: number; mean: number } };
      const hours = (x: number) => x.toLocaleString("uk", { maximumFractionDigits: 1 });
      await poll(() => numbers.getByTestId("numbers-time").innerText()).toBe(fill(v.numbers.time, { median: hours(api.hoursToDecision.median), mean: hours(api.hoursToDecision.mean), count: 2 }));
      expect(await numbers.getByTestId("numbers-kappa").innerText()).toBe(fill(v.numbers.kappa, { kappa: 1, agreed: 2, pairs: 2 }));
      const reasons = numbers.getByTestId("numbers-reasons").locator("tr");
      expect(await reasons.count()).toBe(1);
      expect(await reasons.first().innerText()).toMatch(new RegExp(`^${v.reasons.provocation}\\s+${fill(v.numbers.share, { share: (0.5).toLocaleString("uk", { style: "percent" }), count: 1 }).replace(/[()]/g, "\\$&")}$`));
      const now = new Date();
      const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
      const hits = numbers.getByTestId("numbers-hits").locator("tr");
      expect(await hits.count()).toBe(1);
      expect((await hits.first().innerText()).split(/\s*\t\s*|\n/).filter(Boolean)).toEqual([fill(v.numbers.week, { date: monday.toLocaleDateString("uk", { timeZone: "UTC" }) }), "1"]);
      await screenshot(supervisor, "verification-settings-03-numbers");
      await onPhone(supervisor, "verification-numbers");
      await screenshot(supervisor, "verification-settings-04-numbers-phone");
      // The verifier's panel on a phone: the renamed item and the score, nothing cut off.
      await ver1.goto(`${suite.server.staffUrl}/console/verification/${first.caseId}`);
      await visible(ver1.getByTestId("check-document_matches"));
      await ver1.setViewportSize({ width: PHONE, height: 844 });
      await expectNoSidewaysScroll(ver1.locator("body"), PHONE);
      await expectNotClipped(ver1.getByTestId("risk-score").locator("xpath=../.."));
    } catch (err) {
      await screenshotAll(suite.browser, "verification-settings-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
