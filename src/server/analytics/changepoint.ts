import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { ChangepointDetector, initSync } from "@bsull/augurs/changepoint";

/**
 * Where did the level change? On a series already standardised (mean 0 and variance 1 while
 * nothing changes), Bayesian online change-point detection (Adams & MacKay; augurs, normal-gamma
 * model) says whether it changed and roughly where. BOCPD's most likely segmentation often lands a
 * day or two late on a step of a couple of standard deviations, so the day is then refined as the
 * maximum-likelihood single mean shift (the CUSUM split) within a week of BOCPD's point: an
 * exhaustive search over at most 15 days, not an optimiser.
 */
let ready = false;
function init() {
  if (ready) return;
  // The wasm file is not in the package's exports: it sits beside its JavaScript entry.
  const wasm = path.join(path.dirname(createRequire(import.meta.url).resolve("@bsull/augurs/changepoint")), "changepoint_bg.wasm");
  initSync({ module: fs.readFileSync(wasm) });
  ready = true;
}

// A prior that expects variance 1 (the series is standardised) and a change every ~100 days.
const DETECTOR = { hazardLambda: 100, prior: { mu: 0, rho: 1, s: 10, v: 10 } };

/** BOCPD's change points (indices), the first point (always listed) left out. */
export function changepointIndices(standardised: number[]): number[] {
  init();
  return Array.from(ChangepointDetector.normalGamma(DETECTOR).detectChangepoints(standardised).indices).filter((i) => i > 0);
}

/** The split k in [from, to] that best separates the mean of x[lo..k) from x[k..hi). */
function bestSplit(x: number[], lo: number, hi: number, from: number, to: number): number {
  let best = from;
  let bestStat = -1;
  const total = x.slice(lo, hi).reduce((a, b) => a + b, 0);
  const n = hi - lo;
  for (let k = Math.max(from, lo + 2); k <= Math.min(to, hi - 2); k++) {
    const left = x.slice(lo, k).reduce((a, b) => a + b, 0);
    const m = k - lo;
    const stat = (left - (m / n) * total) ** 2 / ((m * (n - m)) / n);
    if (stat > bestStat) {
      bestStat = stat;
      best = k;
    }
  }
  return best;
}

/**
 * The change of level nearest to `near` (an index), or null when BOCPD finds none after the first
 * `settle` points (the detector needs a few points to learn the level).
 */
export function levelChangeNear(standardised: number[], near: number, settle = 7): number | null {
  const found = changepointIndices(standardised).filter((i) => i > settle);
  if (found.length === 0) return null;
  const rough = found.sort((a, b) => Math.abs(a - near) - Math.abs(b - near))[0]!;
  const neighbours = [0, ...found, standardised.length].sort((a, b) => a - b);
  const lo = Math.max(...neighbours.filter((i) => i < rough - 7), 0);
  const hi = Math.min(...neighbours.filter((i) => i > rough + 7), standardised.length);
  return bestSplit(standardised, lo, hi, rough - 7, rough + 7);
}
