import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, invite, poll, visible } from "./support/console.js";

/**
 * Retention in the console, in Chromium against the real server: one administrator proposes a
 * shorter period and cannot approve it himself; a second administrator approves it; a supervisor
 * holds a case by its number, sees a wrong number refused plainly, and lifts the hold; the dry run
 * says what the next run would destroy. Needs `npm run build` first.
 */
const ADMIN = { username: "admin.first", displayName: "Олена Перша", password: "довгий пароль першої адміністраторки" };
const ADMIN2 = { username: "admin.second", displayName: "Тарас Другий", password: "довгий пароль другого адміністратора" };
const SUPERVISOR = { username: "sup.night", displayName: "Ірина Нічна", password: "довгий пароль нічної керівниці зміни" };

describe("retention in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("a period changes with two administrators; a supervisor holds and releases a case", async () => {
    const a1 = await (await context()).newPage();
    const a2 = await (await context()).newPage();
    const sup = await (await context()).newPage();
    await a1.goto(suite.server.firstAdminLink);
    await acceptAndEnrol(a1, ADMIN);
    const link2 = await invite(a1, "admin", ADMIN2.username);
    const linkSup = await invite(a1, "supervisor", SUPERVISOR.username);
    await a2.goto(link2);
    await acceptAndEnrol(a2, { displayName: ADMIN2.displayName, password: ADMIN2.password });
    await sup.goto(linkSup);
    await acceptAndEnrol(sup, { displayName: SUPERVISOR.displayName, password: SUPERVISOR.password });

    // A request arrives on the public site: case No. 1.
    const applicant = await (await context()).newPage();
    await applicant.goto(`${suite.server.publicUrl}/request`);
    await applicant.locator("#f-name").fill("Петров Сергей");
    await applicant.locator("#f-message").fill("Хочу сдаться");
    await applicant.locator("#request-form button[type=submit]").click();
    await visible(applicant.locator("#receipt-code"), 30_000);

    // The first administrator proposes 60 days for rejected requests.
    await a1.getByRole("link", { name: uk.nav.retention, exact: true }).click();
    const rejected = a1.locator("[data-testid=retention-rule][data-rule=rejected_case]");
    await visible(rejected);
    expect(await rejected.getByTestId("retention-days").innerText()).toBe("90 дн.");
    await rejected.getByTestId("retention-propose").click();
    await a1.getByTestId("retention-days-input").fill("60");
    await a1.getByTestId("retention-propose-send").click();
    await visible(a1.getByText(uk.retention.rules.proposed));
    const mine = a1.getByTestId("retention-proposal");
    await visible(mine);
    expect(await mine.innerText()).toContain(uk.retention.rules.ownProposal);
    expect(await mine.getByTestId("retention-approve").count()).toBe(0);
    await screenshot(a1, "retention-proposed");

    // The second administrator approves it; the period is in force.
    await a2.getByRole("link", { name: uk.nav.retention, exact: true }).click();
    const theirs = a2.getByTestId("retention-proposal");
    await visible(theirs);
    expect(await theirs.innerText()).toContain(ADMIN.displayName);
    await theirs.getByTestId("retention-approve").click();
    await visible(a2.getByText(uk.retention.rules.approved));
    await poll(() => a2.locator("[data-testid=retention-rule][data-rule=rejected_case]").getByTestId("retention-days").innerText()).toBe("60 дн.");

    // The supervisor holds the case; a number that does not exist is refused in plain words.
    await sup.getByRole("link", { name: uk.nav.retention, exact: true }).click();
    await visible(sup.getByTestId("retention-dry-run-summary"));
    expect(await sup.getByTestId("retention-propose").count()).toBe(0);
    await sup.getByTestId("hold-number").fill("999");
    await sup.getByTestId("hold-reason").click();
    await sup.getByRole("option", { name: uk.retention.holdReasons.court_order }).click();
    await sup.getByTestId("hold-place").click();
    await visible(sup.getByText(uk.retention.holds.notFound));
    await sup.getByTestId("hold-number").fill("1");
    await sup.getByTestId("hold-place").click();
    const row = sup.locator("[data-testid=hold-row][data-number='1']");
    await visible(row);
    expect(await row.innerText()).toContain(uk.retention.holdReasons.court_order);
    await poll(() => sup.getByTestId("retention-dry-run-summary").innerText()).toContain("під утриманням: 0");
    await screenshot(sup, "retention-hold");
    await row.getByTestId("hold-lift").click();
    await visible(sup.getByText(uk.retention.holds.none));

    expectNoTroubles(troubles);
  });
});
