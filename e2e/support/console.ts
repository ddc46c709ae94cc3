import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";
import { Secret, TOTP } from "otpauth";
import uk from "../../src/web/i18n/uk.json" with { type: "json" };

/** Console steps shared by the browser tests: what a person does on the staff pages. */
export const totpCode = (secret: string, offsetMs = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetMs });
export const poll = <T>(fn: () => Promise<T>, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });
export const visible = (l: Locator, timeout = 15_000) => l.waitFor({ state: "visible", timeout });

export async function acceptAndEnrol(page: Page, who: { displayName: string; password: string; username?: string }) {
  if (who.username !== undefined) await page.getByTestId("setup-username").fill(who.username);
  await page.getByTestId("setup-display-name").fill(who.displayName);
  await page.getByTestId("setup-password").fill(who.password);
  await page.getByTestId("setup-password-repeat").fill(who.password);
  await page.getByRole("button", { name: uk.setup.submit }).click();
  await visible(page.getByTestId("recovery-key"));
  await page.getByLabel(uk.recovery.confirm).check();
  await page.getByRole("button", { name: uk.recovery.continue }).click();
  await visible(page.getByTestId("totp-secret"));
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  await page.getByTestId("totp-code").fill(totpCode(secret));
  await page.getByRole("button", { name: uk.enrol.submit }).click();
  await visible(page.getByTestId("home-greeting"));
  return secret;
}

export async function invite(page: Page, role: keyof typeof uk.roles, username: string): Promise<string> {
  await page.getByRole("link", { name: uk.nav.staff }).click();
  await page.getByTestId("invite-open").click();
  await page.getByTestId("invite-role").click();
  await page.getByRole("option", { name: uk.roles[role] }).click();
  await page.getByTestId("invite-username").fill(username);
  await page.getByRole("button", { name: uk.staff.invite.submit }).click();
  const link = page.getByTestId("invite-link");
  await poll(() => link.inputValue()).toMatch(/#token=/);
  const value = await link.inputValue();
  await page.getByRole("button", { name: uk.staff.invite.done }).click();
  return value;
}


/**
 * On the teams page, the administrator online (the team keys' custodian at first, then any member's
 * request) and the named member ends up holding his team key: no longer marked pending.
 */
export async function expectTeamKeyHeld(adminPage: Page, username: string) {
  await adminPage.getByRole("link", { name: uk.nav.teams, exact: true }).click();
  // A reload first: the page may hold a list from before the member's account existed, and the
  // reload is also the administrator's next request, which hands over the key.
  await adminPage.reload();
  const member = adminPage.getByTestId(`team-member-${username}`);
  await visible(member);
  await poll(() => member.getByText(uk.teams.pending).count()).toBe(0);
}

/** A member of a team admits a newcomer to it on the admissions page (the second pair of eyes). */
export async function admitMember(page: Page, username: string) {
  await page.reload();
  await page.getByRole("link", { name: uk.nav.admissions, exact: true }).click();
  await page.locator(`[data-testid=admission-row][data-username="${username}"]`).getByTestId("admission-admit").click();
  await visible(page.getByTestId("admission-done"));
}

/**
 * The staffing every capability's browser test starts with: the first administrator enrols from
 * his link, invites each person with his role, each enrols on his own page; the founders (the first
 * member of each team, whom the custodian admits) are checked to hold their team key.
 */
export async function staffUp<K extends string>(
  admin: Page,
  firstAdminLink: string,
  who: { admin: { username: string; displayName: string }; password: string; pages: Record<K, Page>; roles: Record<K, keyof typeof uk.roles>; names: Record<K, string>; founders: K[] },
) {
  await admin.goto(firstAdminLink);
  await acceptAndEnrol(admin, { ...who.admin, password: who.password });
  for (const k of Object.keys(who.roles) as K[]) {
    const link = await invite(admin, who.roles[k], who.names[k]);
    await who.pages[k].goto(link);
    await acceptAndEnrol(who.pages[k], { displayName: who.names[k], password: who.password });
    if (who.founders.includes(k)) await expectTeamKeyHeld(admin, who.names[k]);
  }
}

/**
 * The operator logs a call and hands the new case to a team (and a person on it, when named):
 * the start of every capability's browser test past intake. Returns the case id. Handed to
 * another team, the case leaves the operator's scope, so the assign form closing is the proof.
 */
export async function logCallAndHandOver(operator: Page, call: { number: string; summary: string; team: keyof typeof uk.teamNames; person?: string }): Promise<string> {
  await operator.getByRole("link", { name: uk.nav.calls, exact: true }).click();
  await operator.getByTestId("call-number").fill(call.number);
  await operator.getByTestId("call-summary").fill(call.summary);
  await operator.getByTestId("call-submit").click();
  await poll(async () => operator.url(), 20_000).toMatch(/\/console\/cases\/[0-9a-f-]{36}$/);
  const caseId = operator.url().split("/").pop()!;
  await operator.getByTestId("assign-open").click();
  if (call.person) {
    await operator.getByTestId("assign-person").fill(call.person);
    await operator.getByRole("option", { name: call.person, exact: false }).click();
  }
  await operator.getByTestId("assign-team").click();
  await operator.getByRole("option", { name: uk.teamNames[call.team], exact: true }).click();
  await operator.getByTestId("assign-submit").click();
  await operator.getByTestId("assign-submit").waitFor({ state: "hidden" });
  return caseId;
}

/** Pick a value in a Mantine select found by its label (within a form or card, when given). */
export async function chooseByLabel(page: Page, label: string, option: string, within = page.locator("body")) {
  await within.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/**
 * The operator opens the newest request in his inbox, takes it to a preliminary surrender and
 * hands it over to verification: what comes before any verifier's work. Returns its id and number.
 */
export async function handNewestToVerification(operator: Page): Promise<{ caseId: string; number: string }> {
  await operator.getByRole("link", { name: uk.nav.inbox, exact: true }).click();
  const row = operator.getByTestId("inbox-row").first();
  await visible(row, 20_000);
  const caseId = (await row.getAttribute("data-case-id"))!;
  const number = (await row.getAttribute("data-case-number"))!;
  await row.click();
  for (const [to, reason] of [["preliminary", "Залишив дані"], ["verifying", "Попередня здача: на перевірку"]] as const) {
    await operator.getByTestId("transition-open").click();
    await operator.getByTestId("transition-to").click();
    await operator.getByRole("option", { name: uk.states[to], exact: true }).click();
    await operator.getByTestId("transition-reason").fill(reason);
    await operator.getByTestId("transition-submit").click();
    // Handed over, the case may leave his scope: the page then says so.
    await visible(operator.getByTestId("transition-open").or(operator.getByRole("heading", { name: uk.notFound.title })));
  }
  return { caseId, number };
}

/** A verifier opens the case from his queue and records his decision (labels as the console shows them). */
export async function reviewInConsole(page: Page, caseId: string, decision: string, reason: string, note?: string) {
  const v = uk.verification;
  await page.getByRole("link", { name: uk.nav.verification, exact: true }).click();
  await page.reload();
  const link = page.locator(`a[href$="/verification/${caseId}"]`);
  await visible(link);
  await link.click();
  const form = page.getByTestId("review-form");
  await visible(form);
  await chooseByLabel(page, v.review.decision, decision, form);
  await chooseByLabel(page, v.review.reason, reason, form);
  if (note) await form.getByLabel(v.review.note).fill(note);
  await form.getByRole("button", { name: v.review.submit }).click();
  await visible(page.getByTestId("why-not"));
}

/** Two verifiers verify the case as genuine, one after the other; the second's panel then shows the verdict. */
export async function twoVerifiersVerify(first: Page, second: Page, caseId: string) {
  const v = uk.verification;
  await reviewInConsole(first, caseId, v.decisions.verified, v.reasons.genuine);
  await reviewInConsole(second, caseId, v.decisions.verified, v.reasons.genuine);
  await poll(() => second.getByTestId("verification-outcome").innerText()).toContain(v.reasons.genuine);
}
