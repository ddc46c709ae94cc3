import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator } from "playwright-core";
import uk from "../src/web/i18n/uk.json" with { type: "json" };
import { browserSuite, screenshot } from "./support/browser.js";
import { poll, visible } from "./support/console.js";
import { loadDemo, signInDemo, staffApi } from "./support/demo.js";
import { expectNotClipped } from "./support/layout.js";

/**
 * The coordinators' board in Chromium against the real server, on the demo store (issue 12).
 * Operations are set up through the staff API as the coordinator: one due soon with one of its
 * two men unconfirmed, one past its start and still open, one due soon and confirmed. The board
 * must count down to each on the server's clock (the browser's clock is set two hours wrong),
 * flag the late and the unconfirmed one in red with a word saying which, count the
 * confirmations, show what a closed one leaves (its durations), fit a 390 px phone with nothing
 * cut off, and open an operation from the keyboard. Needs `npm run build` first.
 */

const O = uk.operations;
const MIN = 60_000;
let demo: { dir: string; secrets: Record<string, string> };
/** The demo's cases the test plans: coordination's, in planning or on one of its open operations. */
let coordinationCases: string[] = [];
let verifiedCase = "";

beforeAll(async () => {
  demo = loadDemo("sp-e2e-board-", ["coordinator1", "verifier1"]);
  const db = new PGlite(path.join(demo.dir, "db"));
  try {
    coordinationCases = (await db.query<{ id: string }>("SELECT id FROM cases WHERE team_id = 'coordination' AND (state = 'planning' OR id IN (SELECT oc.case_id FROM operation_cases oc JOIN operations o ON o.id = oc.operation_id WHERE o.closed_at IS NULL)) ORDER BY number")).rows.map((r) => r.id);
    verifiedCase = (await db.query<{ id: string }>("SELECT id FROM cases WHERE state = 'verified' AND team_id = 'verification' AND id NOT IN (SELECT b.case_id FROM blind_indexes b JOIN verification_watchlist w ON w.kind = b.kind AND w.value = b.value WHERE w.removed_at IS NULL) ORDER BY number LIMIT 1")).rows[0]!.id;
  } finally {
    await db.close();
  }
  expect(coordinationCases.length).toBeGreaterThanOrEqual(3);
}, 600_000);
afterAll(() => fs.rmSync(demo.dir, { recursive: true, force: true }));

function planBody(caseIds: string[], start: Date, sector: string) {
  return {
    caseIds,
    sector: { oblast: "UA-23", raion: "Пологівський", name: sector },
    meeting: { lat: 47.4421, lon: 35.8312, description: "у разрушенной водонапорной башни" },
    alternate: { lat: 47.4461, lon: 35.8372, description: "у второго столба ЛЭП" },
    window: { start: start.toISOString(), end: new Date(start.getTime() + 40 * MIN).toISOString() },
    unit: { name: "3-тя штурмова, 2 бат.", liaison: "Берест, Signal" },
    escort: { callSign: "Сова-7", contact: "канал 4", plannedLaunch: new Date(start.getTime() - 15 * MIN).toISOString() },
  };
}

type Board = { now: string; items: { id: string; state: string; start: { utc: string; kyiv: string } | null; summary: { outcome: string; escortMinutes?: number | null; minutesOpen?: number } | null }[] };

/** The catalog's duration, as the board should write it. */
const duration = (m: number) => (m >= 60 ? O.duration.hm.replace("{{h}}", String(Math.floor(m / 60))).replace("{{m}}", String(m % 60)) : O.duration.m.replace("{{m}}", String(m)));
const countdown = (m: number) => (m < 0 ? O.countdown.ago : O.countdown.in).replace("{{time}}", duration(Math.abs(m)));

/** An element's own background colour as [r, g, b]. */
const background = (l: Locator) => l.evaluate((el) => (el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor.match(/\d+/g) ?? []).slice(0, 3).map(Number));
/** A strong red (the flag itself), not a tint of something else. */
const isRed = ([r, g, b]: number[]) => r! > 150 && r! - g! > 40 && r! - b! > 40;
/** A red tint (the flagged row: red.1 is a pale red, so only its hue counts). */
const isReddish = ([r, g, b]: number[]) => r! > g! + 10 && r! > b! + 10;

describe("the coordinators' board", () => {
  const suite = browserSuite({ prepare: (env) => void (env.SAFE_PASSAGE_DATA = demo.dir), setupLink: false });
  const { troubles, context } = suite;

  it("counts down on the server's clock, flags late and unconfirmed in red, counts confirmations, fits a phone and works by keyboard", async () => {
    const base = suite.server.staffUrl;

    // The verifier hands his verified man to coordination: the group of two needs him.
    const verifier = await (await context()).newPage();
    await signInDemo(verifier, base, "verifier1", demo.secrets.verifier1!);
    await (await staffApi(verifier, base))("POST", `/api/cases/${verifiedCase}/assign`, { teamId: "coordination" }, 204);
    await verifier.close();

    const page = await (await context()).newPage();
    await signInDemo(page, base, "coordinator1", demo.secrets.coordinator1!);
    const api = await staffApi(page, base);
    // The demo's own open operations are called off first (their cases go back to planning), so
    // the open rows on the board are the test's.
    const before = await api<Board>("GET", "/api/operations");
    for (const o of before.items.filter((i) => i.state !== "closed")) await api("POST", `/api/operations/${o.id}/outcome`, { outcome: "aborted", reason: "перенесено", then: "planning" });
    const [a, b, c] = coordinationCases;
    expect([a, b, c].every(Boolean)).toBe(true);

    const now = Date.now();
    const plan = async (caseIds: string[], inMinutes: number, sector: string) => (await api<{ id: string }>("POST", "/api/operations", planBody(caseIds, new Date(now + inMinutes * MIN), sector), 201)).id;
    // Due in 90 min, two men, one has confirmed: still red, unconfirmed.
    const soon = await plan([a!, verifiedCase], 90, "Сектор Роботине-2");
    // Started 25 min ago and still open: red, late.
    const late = await plan([b!], -25, "Сектор Кринки");
    // Due in 100 min and confirmed: not flagged.
    const confirmed = await plan([c!], 100, "Сектор Синьківка");
    for (const id of [soon, late, confirmed]) await api("POST", `/api/operations/${id}/instructions`);
    await api("POST", `/api/operations/${soon}/confirmations`, { caseId: a });
    await api("POST", `/api/operations/${confirmed}/confirmations`, { caseId: c });

    const board = await api<Board>("GET", "/api/operations");
    const serverNow = Date.parse(board.now);
    expect(Math.abs(serverNow - Date.now())).toBeLessThan(60_000);
    const item = (id: string) => board.items.find((i) => i.id === id)!;
    // The demo's crossing that is over: its escort and its whole life, as the server kept them.
    const over = board.items.find((i) => i.summary?.outcome === "handed_over")!;
    expect(over.summary).toMatchObject({ escortMinutes: 42, minutesOpen: 95 });

    // The browser's clock two hours behind: counted on it, the late one would look 95 min away
    // and the soon one far enough not to flag. The board must go by the server's clock.
    await page.clock.install({ time: new Date(Date.now() - 2 * 3600_000) });
    await page.goto(`${base}/console/operations`);
    const row = (id: string) => page.locator(`[data-testid=operation-row][data-operation-id="${id}"]`);
    await visible(row(soon));

    const expectRow = async (id: string, flag: "late" | "unconfirmed" | "none", count: string) => {
      const r = row(id);
      expect([id, await r.getAttribute("data-flag")]).toEqual([id, flag]);
      expect(await r.getByTestId("operation-confirmed").innerText()).toBe(count);
      const start = item(id).start!;
      expect(await r.getByTestId("operation-start").innerText()).toBe(start.kyiv);
      // Whole minutes to the start on the server's clock; a minute either way for the time the test took.
      const left = Math.round((Date.parse(start.utc) - serverNow) / MIN);
      expect([countdown(left - 1), countdown(left), countdown(left + 1)]).toContain(await r.getByTestId("operation-countdown").innerText());
      const badge = r.getByTestId("operation-flag");
      if (flag === "none") {
        expect(await badge.count()).toBe(0);
        expect(isReddish(await background(r))).toBe(false);
        return;
      }
      expect(await badge.innerText()).toBe(O.flags[flag]);
      expect(await badge.isVisible()).toBe(true);
      expect(isRed(await background(badge))).toBe(true);
      // The whole row tinted red too.
      expect(isReddish(await background(r))).toBe(true);
    };
    await expectRow(soon, "unconfirmed", "1 / 2");
    await expectRow(late, "late", "0 / 1");
    await expectRow(confirmed, "none", "1 / 1");
    expect(await row(late).getByTestId("operation-countdown").innerText()).toMatch(/тому$/);

    // What the closed crossing leaves: its durations, labelled, and no flag.
    const overRow = row(over.id);
    expect(await overRow.getByTestId("operation-escort-minutes").innerText()).toBe(`${O.escortLasted}: ${duration(42)}`);
    expect(await overRow.getByTestId("operation-minutes-open").innerText()).toBe(`${O.openFor}: ${duration(95)}`);
    expect(await overRow.getAttribute("data-flag")).toBe("none");
    await screenshot(page, "operations-board-01-desk");

    // On a phone: no sideways scrolling, every row on the screen, nothing in a row cut off.
    await page.setViewportSize({ width: 390, height: 844 });
    await poll(() => page.evaluate<number>("document.documentElement.scrollWidth"), 5_000).toBeLessThanOrEqual(390);
    const rows = page.getByTestId("operation-row");
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    for (const r of await rows.all()) {
      const box = (await r.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= 390).toBe(true);
      await expectNotClipped(r);
    }
    // The column heads too: a word wider than its column spills over its neighbour.
    await expectNotClipped(page.getByTestId("operations-board").locator("th"));
    await screenshot(page, "operations-board-02-phone");

    // By keyboard: Tab from the top of the page reaches the soon one's link, Enter opens it.
    await page.locator("body").focus();
    const target = row(soon).getByTestId("operation-start");
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await target.evaluate((el) => el === el.ownerDocument.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/console/operations/${soon}`);
    await visible(page.getByTestId("operation-state"));
    expect(await page.getByTestId("operation-state").innerText()).toContain(O.states.scheduled);

    for (const t of troubles) expect(t).toEqual({ csp: [], pageErrors: [] });
  });
});
