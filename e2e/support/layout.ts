import type { Locator } from "playwright-core";

/**
 * What is cut off inside each element the locator matches (itself and everything in it): an
 * element whose content is wider than its box where that box clips (overflow not visible), as
 * "text scrollWidth/clientWidth". Empty when every word shows whole. A wrapped label is not cut
 * off; an ellipsis, or a word wider than a badge that hides its overflow, is.
 */
export const clippedIn = (l: Locator): Promise<string[]> =>
  l.evaluateAll((els) =>
    els
      .flatMap((el) => [el, ...el.querySelectorAll("*")])
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.ownerDocument.defaultView!.getComputedStyle(e).overflowX !== "visible")
      .map((e) => `${e.textContent} ${e.scrollWidth}/${e.clientWidth}`),
  );

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
