import { linearRegression, linearRegressionLine } from "simple-statistics";
import jstat from "jstat";
import { levelChangeNear } from "./changepoint.js";
import { isCalendarDay } from "../../shared/calendar-day.js";

/**
 * "Did that event raise requests?" For a daily series of counts and an event day: the change in
 * requests over the first `days` days from the event, against a counterfactual fitted on the
 * `baselineDays` days before it, with a 95 % interval, a p-value and a change-point search.
 *
 * The counterfactual is multiplicative: a weekday profile (each weekday's mean over the baseline,
 * as a share of the overall mean) times a straight-line trend fitted by least squares on the
 * de-seasonalised counts. The noise is quasi-Poisson: variance = φ × mean, with φ (the
 * overdispersion, at least 1) estimated from the baseline's Pearson residuals. The interval is on
 * the log of observed ÷ expected, by the delta method with Student's t quantiles: the observed sum's quasi-Poisson variance
 * plus the uncertainty of the fitted expectation (trend prediction error and weekday factors).
 * Assumptions, in the README: days are independent given the model (no autocorrelation beyond the
 * weekly profile), the trend is linear over baseline and window, and nothing else happened in the
 * window. A closed form was chosen over an iteratively fitted GLM: no optimiser to trust, and the
 * simulation test shows the interval's coverage.
 */
export interface ImpactOptions {
  /** Days from the event (inclusive) over which the uplift is measured. */
  days?: number;
  /** Days before the event the counterfactual is fitted on. */
  baselineDays?: number;
}

export interface ImpactResult {
  event: string;
  days: number;
  baseline_per_day: number;
  uplift_pct: number;
  ci95: [number, number];
  p_value: number;
  changepoint: string | null;
  /** The counterfactual and the observed counts over the window, day by day (for charts). */
  window: { date: string; observed: number; expected: number }[];
}

export class ImpactInputError extends Error {}

const DAY_MS = 86_400_000;
const MIN_BASELINE = 21; // three weeks: each weekday seen three times
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/** Checks the series: one row a day, no gaps or repeats, counts whole and not negative. */
export function checkSeries(dates: string[], counts: number[]): void {
  if (dates.length !== counts.length) throw new ImpactInputError("dates and counts differ in length");
  if (dates.length === 0) throw new ImpactInputError("the series is empty");
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    if (!isCalendarDay(d)) throw new ImpactInputError(`row ${i + 2}: "${d}" is not a date (YYYY-MM-DD)`);
    const c = counts[i]!;
    if (!Number.isInteger(c) || c < 0) throw new ImpactInputError(`row ${i + 2}: the count must be a whole number, 0 or more`);
    if (i > 0) {
      const gap = dayNumber(d) - dayNumber(dates[i - 1]!);
      if (gap !== 1) throw new ImpactInputError(gap > 1 ? `missing day(s) between ${dates[i - 1]} and ${d}` : `${d} is not after ${dates[i - 1]}: one row a day, in order`);
    }
  }
}

export function estimateImpact(dates: string[], counts: number[], event: string, opts: ImpactOptions = {}): ImpactResult {
  const days = opts.days ?? 7;
  const baselineDays = opts.baselineDays ?? 56;
  checkSeries(dates, counts);
  if (!Number.isInteger(days) || days < 1) throw new ImpactInputError("--days must be a whole number of at least 1");
  if (!Number.isInteger(baselineDays) || baselineDays < MIN_BASELINE) throw new ImpactInputError(`the baseline must be at least ${MIN_BASELINE} days`);
  const e = dates.indexOf(event);
  if (e === -1) throw new ImpactInputError(`the event day ${event} is not in the series (${dates[0]} to ${dates[dates.length - 1]})`);
  if (e < baselineDays) throw new ImpactInputError(`too short a baseline: ${e} day(s) before the event, ${baselineDays} needed`);
  if (e + days > dates.length) throw new ImpactInputError(`the series ends ${e + days - dates.length} day(s) before the end of the ${days}-day window`);

  const start = e - baselineDays;
  const base = counts.slice(start, e);
  const weekday = (i: number) => ((Math.round(dayNumber(dates[i]!)) % 7) + 7) % 7;
  const total = base.reduce((a, b) => a + b, 0);
  const mean = total / baselineDays;
  if (mean <= 0) throw new ImpactInputError("the baseline has no requests at all: nothing to compare against");

  // Weekday profile: each weekday's mean as a share of the overall mean.
  const sums = new Array<number>(7).fill(0);
  const seen = new Array<number>(7).fill(0);
  base.forEach((c, k) => {
    sums[weekday(start + k)]! += c;
    seen[weekday(start + k)]! += 1;
  });
  const factor = sums.map((s, d) => (seen[d]! > 0 && s > 0 ? s / seen[d]! / mean : 1 / Math.max(mean, 1)));

  // Trend on the de-seasonalised counts (t counted from the baseline's first day).
  const points = base.map((c, k): [number, number] => [k, c / factor[weekday(start + k)]!]);
  const fit = linearRegression(points);
  const line = linearRegressionLine(fit);
  const level = (t: number) => Math.max(line(t), mean * 0.05);
  const expectedAt = (i: number) => level(i - start) * factor[weekday(i)]!;

  // Overdispersion from the baseline (7 weekday factors + a slope are fitted).
  let pearson = 0;
  let residual = 0;
  base.forEach((c, k) => {
    const mu = expectedAt(start + k);
    pearson += (c - mu) ** 2 / mu;
    residual += (points[k]![1] - line(k)) ** 2;
  });
  const phi = Math.max(1, pearson / (baselineDays - 8));
  const sigma2 = residual / (baselineDays - 2); // de-seasonalised residual variance
  const tMean = (baselineDays - 1) / 2;
  const sxx = points.reduce((a, [t]) => a + (t - tMean) ** 2, 0);

  const window = dates.slice(e, e + days).map((date, k) => ({ date, observed: counts[e + k]!, expected: expectedAt(e + k) }));
  const observed = window.reduce((a, w) => a + w.observed, 0);
  const expected = window.reduce((a, w) => a + w.expected, 0);

  // Relative variance of the expected sum: the trend's prediction error at the window's middle,
  // and each weekday factor's error (a mean of seen[d] days with variance φ·mean).
  const tWindow = e - start + (days - 1) / 2;
  const levelVar = (sigma2 * (1 / baselineDays + (tWindow - tMean) ** 2 / sxx)) / level(tWindow) ** 2;
  let factorVar = 0;
  for (const [k, w] of window.entries()) {
    const d = weekday(e + k); // the window's k-th day is the series' (e + k)-th
    factorVar += w.expected ** 2 * (phi / (seen[d]! * Math.max(sums[d]! / seen[d]!, 0.5)));
  }
  const relVarExpected = levelVar + factorVar / expected ** 2;

  const logRatio = Math.log((observed + 0.5) / (expected + 0.5));
  const seAlt = Math.sqrt(phi / (observed + 0.5) + relVarExpected);
  const seNull = Math.sqrt(phi / (expected + 0.5) + relVarExpected);
  const z = logRatio / seNull;
  // Student's t with the baseline's residual degrees of freedom: φ is estimated, not known.
  const df = baselineDays - 8;
  const p = 2 * (1 - jstat.studentt.cdf(Math.abs(z), df));
  const q = jstat.studentt.inv(0.975, df);
  const pct = (x: number) => Math.round((Math.exp(x) - 1) * 1000) / 10;

  // Change point: on the series standardised by the counterfactual (weekday pattern and trend
  // removed), from the baseline's start to four weeks after the event.
  const end = Math.min(dates.length, e + Math.max(days, 28));
  const standardised = counts.slice(start, end).map((c, k) => (c - expectedAt(start + k)) / Math.sqrt(phi * expectedAt(start + k)));
  const found = levelChangeNear(standardised, e - start);
  const change = found === null ? undefined : start + found;

  return {
    event,
    days,
    baseline_per_day: Math.round(mean * 10) / 10,
    uplift_pct: pct(logRatio),
    ci95: [pct(logRatio - q * seAlt), pct(logRatio + q * seAlt)],
    p_value: Number(p.toPrecision(3)),
    changepoint: change === undefined ? null : dates[change]!,
    window: window.map((w) => ({ ...w, expected: Math.round(w.expected * 10) / 10 })),
  };
}
