import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot, screenshotAll, expectNoTroubles } from "./support/browser.js";
import { acceptAndEnrol, invite, poll, visible } from "./support/console.js";
import { ROOT } from "./support/server.js";

/**
 * A supervisor on the numbers page, in Chromium against the real server: the charts over a
 * history imported through the CLI, a channel filter, the CSV of a chart, an event recorded in the
 * form and shown as a marker, and its impact read. Needs `npm run build` first.
 */
const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const today = Date.parse(`${iso(Date.now())}T00:00:00Z`);
const EVENT = iso(today - 20 * DAY_MS);

// 90 days up to yesterday: about 59 a day with a weekly rhythm, ×1.7 from the event day on.
function importHistory(env: NodeJS.ProcessEnv) {
  const WEEK = [66, 64, 61, 58, 55, 50, 59];
  const rows = Array.from({ length: 90 }, (_, i) => {
    const t = today - (90 - i) * DAY_MS;
    return `${iso(t)},${Math.round(WEEK[new Date(t).getUTCDay()]! * (t >= Date.parse(EVENT) ? 1.7 : 1))}`;
  });
  const file = path.join(env.SAFE_PASSAGE_DATA!, "history.csv");
  fs.mkdirSync(env.SAFE_PASSAGE_DATA!, { recursive: true });
  fs.writeFileSync(file, ["date,count", ...rows].join("\n") + "\n");
  execFileSync(process.execPath, [path.join(ROOT, "bin/safe-passage.js"), "analytics", "import-history", "--series", file, "--channel", "telegram"], { cwd: ROOT, env, stdio: "pipe" });
}

const ADMIN = { username: "admin.numbers", displayName: "Олена Адміністраторка", password: "довгий пароль адміністраторки для статистики" };
const SUPERVISOR = { displayName: "Юрій Олійник", password: "довгий пароль керівника зміни для статистики" };

describe("the numbers page", () => {
  const suite = browserSuite({ prepare: importHistory });
  const { troubles, context } = suite;

  it("shows the charts, filters, records an event and reads its impact", async () => {
    const adminPage = await (await context()).newPage();
    const page = await (await context()).newPage();
    try {
      await adminPage.goto(suite.server.firstAdminLink);
      await acceptAndEnrol(adminPage, ADMIN);
      const link = await invite(adminPage, "supervisor", "yurii.supervisor");
      await page.goto(link);
      await acceptAndEnrol(page, SUPERVISOR);
      await page.setViewportSize({ width: 1280, height: 1800 });

      await page.getByRole("link", { name: uk.nav.analytics, exact: true }).click();
      await visible(page.getByTestId("chart-contacts").locator("canvas"));
      expect(await page.getByTestId("chart-funnel").innerText()).toContain(uk.analytics.funnel.steps.first_contact);
      await screenshot(page, "analytics-dashboard");

      // Filter to one channel: the address keeps it, the chart's CSV carries it.
      await page.getByTestId("filter-channel").click();
      await page.getByRole("option", { name: uk.channels.telegram }).click();
      await page.getByTestId("filter-apply").click();
      await poll(async () => page.url()).toContain("channel=telegram");
      await poll(() => page.getByTestId("csv-contacts").getAttribute("href")).toContain("channel=telegram");
      const href = await page.getByTestId("csv-contacts").getAttribute("href");
      const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
      expect(csv.split("\n")[0]).toBe("date,telegram,total,avg7,inbound_messages");

      // Record the event; it appears in the list (and as a marker on the charts).
      await page.getByTestId("event-day").fill(EVENT);
      await page.getByTestId("event-note").fill("Оприлюднено перехід екіпажу");
      await page.getByTestId("event-save").click();
      await visible(page.getByTestId(`impact-${EVENT}`));
      expect(await page.getByTestId("events").innerText()).toContain("Оприлюднено перехід екіпажу");

      await page.getByTestId(`impact-${EVENT}`).click();
      const result = page.getByTestId("impact-result");
      await visible(result);
      const text = await result.innerText();
      expect(text).toMatch(/\+(6[5-9]|7[0-5])(\.\d)? %/); // about +70 %, as imported
      expect(text).toContain(EVENT);
      await result.scrollIntoViewIfNeeded();
      await screenshot(page, "analytics-impact");

      // On a phone's width nothing spills sideways.
      await page.setViewportSize({ width: 390, height: 900 });
      await poll(() => page.evaluate<boolean>("document.documentElement.scrollWidth <= window.innerWidth + 1")).toBe(true);
      await screenshot(page, "analytics-phone");
    } catch (err) {
      await screenshotAll(suite.browser, "analytics-failure");
      throw err;
    }
    expectNoTroubles(troubles);
  });
});
