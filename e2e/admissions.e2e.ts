import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, expectTeamKeyHeld, invite, poll, visible } from "./support/console.js";

/**
 * Four eyes on every newcomer (issue 10, item 2), in Chromium against the real server: the
 * administrator creates accounts but cannot give them a team key; a member of the team sees the
 * newcomer on the admissions page and admits him. On the way, a guessable password is refused at
 * set-up with a plain message, and the strength meter says why. Needs `npm run build` first.
 */
const ADMIN = { username: "admin.keys", displayName: "Олена Ключник", password: "довгий пароль адміністраторки ключів" };
const FIRST = { username: "first.operator", displayName: "Ганна Перша", password: "перша операторка нічної зміни" };
const NEWCOMER = { username: "new.operator", displayName: "Богдан Новенький", password: "новий оператор денної зміни" };

describe("admissions in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("a weak password is refused; a team member, not the administrator, admits the newcomer", async () => {
    const adminPage = await (await context()).newPage();
    const firstPage = await (await context()).newPage();
    const newPage = await (await context()).newPage();
    await adminPage.goto(suite.server.firstAdminLink);
    await acceptAndEnrol(adminPage, ADMIN);
    const firstLink = await invite(adminPage, "operator", FIRST.username);
    const newLink = await invite(adminPage, "operator", NEWCOMER.username);
    await firstPage.goto(firstLink);
    await acceptAndEnrol(firstPage, { displayName: FIRST.displayName, password: FIRST.password });
    // The custodian online makes the first operator the intake team's founding member.
    await expectTeamKeyHeld(adminPage, FIRST.username);
    // The administrator has no admissions page: key custody is not his duty.
    expect(await adminPage.getByRole("link", { name: uk.nav.admissions, exact: true }).count()).toBe(0);

    // The newcomer first tries a guessable password: the meter warns, the server refuses.
    await newPage.goto(newLink);
    await newPage.getByTestId("setup-display-name").fill(NEWCOMER.displayName);
    await newPage.getByTestId("setup-password").fill("password1234");
    await newPage.getByTestId("setup-password-repeat").fill("password1234");
    await poll(() => newPage.getByTestId("password-strength").getAttribute("data-score")).toBe("1");
    expect(await newPage.getByTestId("password-strength").innerText()).toContain(uk.form.strengthWarning.similarToCommon);
    await newPage.getByRole("button", { name: uk.setup.submit }).click();
    await visible(newPage.getByText(uk.form.passwordWeak, { exact: true }).last());
    await screenshot(newPage, "setup-weak-password");
    await acceptAndEnrol(newPage, { displayName: NEWCOMER.displayName, password: NEWCOMER.password });

    // The founding member sees him waiting, with who made the account, and admits him.
    await firstPage.reload();
    await firstPage.getByRole("link", { name: uk.nav.admissions, exact: true }).click();
    const row = firstPage.locator(`[data-testid=admission-row][data-username="${NEWCOMER.username}"]`);
    await visible(row);
    expect(await row.innerText()).toContain(NEWCOMER.displayName);
    expect(await row.innerText()).toContain(ADMIN.displayName);
    expect(await row.innerText()).toContain(uk.admissions.reasons.new);
    await screenshot(firstPage, "admissions-waiting");
    await row.getByTestId("admission-admit").click();
    await visible(firstPage.getByTestId("admission-done"));
    await visible(firstPage.getByTestId("admissions-empty"));

    // The team page now shows him as a member with the key.
    await expectTeamKeyHeld(adminPage, NEWCOMER.username);
    expectNoTroubles(troubles);
  });
});
