import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot } from "./support/browser.js";
import { submitWebRequest } from "./support/applicant.js";
import { admitMember, chooseByLabel, expectTeamKeyHeld, handNewestToVerification, poll, reviewInConsole, staffUp, visible } from "./support/console.js";

/**
 * Verification in Chromium against the real server (issue 11): the operator hands a preliminary
 * surrender over; two verifiers review it in the console, the second blind to the first until he
 * has recorded his own; they disagree, and the supervisor decides with a reason. Needs
 * `npm run build` first.
 */

const PASSWORD = "довгий пароль для перевірки звернень";
const people = { admin: "admin.verif", operator: "olha.operator", ver1: "ivan.verifier", ver2: "petro.verifier", supervisor: "maria.supervisor" } as const;
const APPLICANT = { name: "Козлов Дмитрий Сергеевич", phone: "+7 914 555-32-10" };
const v = uk.verification;

describe("verification in the console", () => {
  const suite = browserSuite();
  const { troubles, context } = suite;

  it("two blind reviews disagree; the supervisor decides with a reason", async () => {
    const pages = {} as Record<keyof typeof people, Page>;
    for (const k of Object.keys(people) as (keyof typeof people)[]) pages[k] = await (await context()).newPage();
    const { admin, operator, ver1, ver2, supervisor } = pages;
    // The custodian founds intake with the operator and verification with the first verifier.
    const roles = { operator: "operator", ver1: "verifier", ver2: "verifier", supervisor: "supervisor" } as const;
    await staffUp(admin, suite.server.firstAdminLink, { admin: { username: people.admin, displayName: "Адміністраторка" }, password: PASSWORD, pages, roles, names: people, founders: ["operator", "ver1"] });
    // The founding verifier admits the second.
    await admitMember(ver1, people.ver2);
    await expectTeamKeyHeld(admin, people.ver2);

    // The request arrives; the operator takes it to a preliminary surrender and hands it over.
    await submitWebRequest(await context(), suite.server.publicUrl, APPLICANT, "Хочу сдаться. Служу под Бахмутом, готов назвать часть. Где вы принимаете?");
    const { caseId, number } = await handNewestToVerification(operator);

    // The first verifier opens it from his queue by keyboard, like the inbox: j/k select, Enter opens.
    await ver1.getByRole("link", { name: uk.nav.verification, exact: true }).click();
    await ver1.reload();
    const queued = ver1.getByTestId("queue-row").first();
    await visible(queued);
    expect(await queued.getAttribute("aria-selected")).toBe("true");
    await ver1.keyboard.press("j");
    await ver1.keyboard.press("k");
    await ver1.keyboard.press("Enter");
    await poll(async () => ver1.url()).toMatch(new RegExp(`/verification/${caseId}$`));
    // The probing rule found his question: the factor says which rule and how many messages, never the words.
    const probing = ver1.getByTestId("factor-probing_questions");
    await visible(probing);
    expect(await probing.innerText()).toContain(v.factorDetail.probing.replace("{{messages}}", "1").replace("{{rules}}", "reception_points"));
    expect(await probing.innerText()).not.toContain("принимаете");
    // He checks an item; its row says who checked it and when.
    const item = ver1.getByTestId("check-identity_consistent");
    const label = await item.locator("td").first().innerText();
    await chooseByLabel(ver1, v.checklist.result.replace("{{item}}", label), v.results.holds, item);
    await item.getByRole("button", { name: v.checklist.save }).click();
    await poll(() => ver1.getByTestId("checked-by-identity_consistent").innerText()).toContain(people.ver1);

    // The first verifier records "verified".
    await reviewInConsole(ver1, caseId, v.decisions.verified, v.reasons.genuine, "Частина і звання сходяться");
    await screenshot(ver1, "verification-01-first-review");

    // The second sees that one review exists, not which way or why, until he records his own.
    await ver2.goto(`${suite.server.staffUrl}/console/verification/${caseId}`);
    await visible(ver2.getByTestId("reviews-hidden"));
    expect(await ver2.locator("body").innerText()).not.toContain("Частина і звання сходяться");
    await screenshot(ver2, "verification-02-second-blind");
    await reviewInConsole(ver2, caseId, v.decisions.rejected, v.reasons.provocation, "Питає, де стоять наші");
    const reviews = ver2.getByTestId("reviews");
    await poll(() => reviews.innerText()).toContain("Частина і звання сходяться");
    expect(await reviews.innerText()).toContain("Питає, де стоять наші");
    await visible(ver2.getByTestId("verification-stage").getByText(v.stages.disagreement));

    // The disagreement reaches the supervisor, who decides on codes and factors, with a reason.
    await supervisor.getByRole("link", { name: uk.nav.supervision, exact: true }).click();
    const card = supervisor.getByTestId(`supervise-${number}`);
    await visible(card);
    expect(await card.innerText()).not.toMatch(/Козлов|Питає|Частина/);
    await screenshot(supervisor, "verification-03-disagreement");
    await chooseByLabel(supervisor, v.review.decision, v.decisions.rejected, card);
    await chooseByLabel(supervisor, v.review.reason, v.reasons.provocation, card);
    await card.getByLabel(v.supervision.reason).fill("Питання про місця зустрічі: провокація");
    await card.getByRole("button", { name: v.supervision.submit }).click();
    await visible(supervisor.getByText(v.supervision.empty));
    // The verifier's panel now shows the verdict.
    await ver2.reload();
    await poll(() => ver2.getByTestId("verification-outcome").innerText()).toContain(v.reasons.provocation);
    for (const t of troubles) expect(t).toEqual({ csp: [], pageErrors: [] });
  });
});
