import { expect } from "vitest";
import type { Locator } from "playwright-core";

/**
 * Nothing shown in what `target` matches is cut off: no element on the page whose content is
 * wider than its box and hidden (overflow other than visible), and no table cell, head or body,
 * whose text spills over its neighbour (a word wider than its column). Fails with the texts cut.
 */
export async function expectNotClipped(target: Locator) {
  const clipped = await target.evaluateAll((roots) =>
    roots
      .flatMap((root) => [root, ...root.querySelectorAll("*")])
      // Shown only: an element laid out nowhere (hidden, or inside what is) has no offsetParent.
      .filter((e) => (e as unknown as { offsetParent: unknown }).offsetParent !== null)
      // A field's own value scrolls inside it as it is typed: that is no text cut off.
      .filter((e) => !["INPUT", "TEXTAREA", "SELECT"].includes(e.tagName))
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && (e.ownerDocument.defaultView!.getComputedStyle(e).overflowX !== "visible" || e.tagName === "TH" || e.tagName === "TD"))
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent ?? "").trim().slice(0, 80)}" ${e.scrollWidth}/${e.clientWidth}`),
  );
  expect(clipped).toEqual([]);
}

/** On a screen `width` wide, the page does not scroll sideways. */
export async function expectNoSidewaysScroll(target: Locator, width: number) {
  await expect.poll(() => target.page().evaluate<number>("document.documentElement.scrollWidth"), { timeout: 5_000, interval: 100 }).toBeLessThanOrEqual(width);
}
