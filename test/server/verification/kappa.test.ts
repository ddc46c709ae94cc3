import { describe, expect, it } from "vitest";
import { cohensKappa } from "../../../src/server/verification/numbers.js";
import type { Decision } from "../../../src/shared/verification.js";

const times = (n: number, pair: readonly [Decision, Decision]) => Array.from({ length: n }, () => pair);

describe("Cohen's kappa of first and second reviews", () => {
  it("matches a hand-computed example", () => {
    // 10 pairs: 4 both verified, 3 both rejected, 2 verified→rejected, 1 rejected→verified.
    // Observed agreement 7/10 = 0.7. First reviewer: 6 verified, 4 rejected; second: 5 and 5.
    // Chance agreement 0.6·0.5 + 0.4·0.5 = 0.5. Kappa (0.7 − 0.5) / (1 − 0.5) = 0.4.
    const pairs = [...times(4, ["verified", "verified"]), ...times(3, ["rejected", "rejected"]), ...times(2, ["verified", "rejected"]), ...times(1, ["rejected", "verified"])];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 10);
  });

  it("is 1 for full agreement, below 0 for systematic disagreement, undefined where chance is certain", () => {
    expect(cohensKappa([...times(3, ["verified", "verified"]), ...times(2, ["rejected", "rejected"])])).toBe(1);
    // Always opposite, at equal rates: observed 0, chance 0.5 → −1.
    expect(cohensKappa([...times(2, ["verified", "rejected"]), ...times(2, ["rejected", "verified"])])).toBe(-1);
    expect(cohensKappa([])).toBeNull();
    expect(cohensKappa(times(3, ["verified", "verified"]))).toBeNull();
  });
});
