import { expect } from "vitest";
import type { Locator } from "playwright-core";

/**
 * What is cut off inside each element the locator matches (itself and everything in it), as
 * `tag "text" scrollWidth/clientWidth`: a shown element whose content is wider than its box where
 * that box hides its overflow, or a table cell or head whose text spills over its neighbour (a
 * word wider than its column). Empty when every word shows whole. A wrapped label is not cut off;
 * an ellipsis, or a word wider than a badge that hides its overflow, is.
 */
export const clippedIn = (l: Locator): Promise<string[]> =>
  l.evaluateAll((roots) =>
    roots
      .flatMap((root) => [root, ...root.querySelectorAll("*")])
      // Shown only: an element laid out nowhere (hidden, or inside what is) has no offsetParent.
      .filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null)
      // A field's own value scrolls inside it as it is typed: that is no text cut off.
      .filter((e) => !["INPUT", "TEXTAREA", "SELECT"].includes(e.tagName))
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && (e.ownerDocument.defaultView!.getComputedStyle(e).overflowX !== "visible" || e.tagName === "TH" || e.tagName === "TD"))
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent ?? "").trim().slice(0, 80)}" ${e.scrollWidth}/${e.clientWidth}`),
  );

/** Nothing shown in what `target` matches is cut off (clippedIn); fails with the texts cut. */
export async function expectNotClipped(target: Locator) {
  expect(await clippedIn(target)).toEqual([]);
}

/**
 * Badges (or any short labels) that a reader on a screen `width` px wide would not read whole:
 * cut off inside (clippedIn), spilling out of their table cell over the neighbour, or off the
 * screen's side (where a table scrolls sideways on a phone, a state out of view is not read).
 */
export async function notWhole(l: Locator, width: number): Promise<string[]> {
  const inside = await clippedIn(l);
  const placed = await l.evaluateAll(
    (els, w) =>
      els.flatMap((el) => {
        const box = el.getBoundingClientRect();
        const cell = el.closest("td, th")?.getBoundingClientRect();
        const spills = cell !== undefined && (box.left < cell.left - 1 || box.right > cell.right + 1);
        const off = box.left < 0 || box.right > w + 1;
        return spills || off ? [`${el.textContent} at ${Math.round(box.left)}–${Math.round(box.right)}${cell ? ` in a cell at ${Math.round(cell.left)}–${Math.round(cell.right)}` : ""}`] : [];
      }),
    width,
  );
  return [...inside, ...placed];
}

/** On a screen `width` wide, the page does not scroll sideways. */
export async function expectNoSidewaysScroll(target: Locator, width: number) {
  await expect.poll(() => target.page().evaluate<number>("document.documentElement.scrollWidth"), { timeout: 5_000, interval: 100 }).toBeLessThanOrEqual(width);
}
