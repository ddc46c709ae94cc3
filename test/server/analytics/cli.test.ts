import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/** `safe-passage analytics impact` from source, on CSV files as an analyst would keep them. */
const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-impact-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function impact(...args: string[]) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", path.resolve("src/server/main.ts"), "analytics", "impact", ...args]);
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

function csv(name: string, rows: string[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ["date,count", ...rows].join("\n") + "\n");
  return file;
}

// 70 days: 56 of a weekly pattern around 59 a day, then 14 at ×1.7 (deterministic, no noise but the pattern).
const WEEK = [66, 64, 61, 58, 55, 50, 59];
const rows = Array.from({ length: 70 }, (_, i) => `${new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${Math.round(WEEK[i % 7]! * (i >= 56 ? 1.7 : 1))}`);
const EVENT = "2026-02-26"; // day 56

describe("analytics impact CLI", () => {
  it("--json prints one object with the documented fields", async () => {
    const r = await impact("--series", csv("step.csv", rows), "--event", EVENT, "--json");
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o).sort()).toEqual(["baseline_per_day", "changepoint", "ci95", "days", "event", "p_value", "uplift_pct"].sort());
    expect(o).toMatchObject({ event: EVENT, days: 7, changepoint: EVENT });
    expect(o.uplift_pct).toBeGreaterThan(65);
    expect(o.uplift_pct).toBeLessThan(75);
    expect(o.ci95[0]).toBeLessThan(o.uplift_pct);
    expect(o.ci95[1]).toBeGreaterThan(o.uplift_pct);
    expect(o.p_value).toBeLessThan(0.001);
  });

  it("--days 1 answers for one day; without --json it prints sentences", async () => {
    const r = await impact("--series", csv("step1.csv", rows), "--event", EVENT, "--days", "1");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/over 1 day\(s\), \+\d+(\.\d)? %/);
    expect(r.out).toContain("change point: 2026-02-26");
  });

  it("bad input: a clear message and exit code 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--series", csv("gap.csv", rows.filter((_, i) => i !== 20)), "--event", EVENT], /missing day/],
      [["--series", csv("neg.csv", rows.map((r, i) => (i === 5 ? r.replace(/,\d+$/, ",-3") : r))), "--event", EVENT], /whole number/],
      [["--series", csv("ok.csv", rows), "--event", "2027-01-01"], /not in the series/],
      [["--series", csv("ok2.csv", rows), "--event", "2026-01-20"], /too short a baseline/],
      [["--series", csv("ok3.csv", rows), "--event", EVENT, "--days", "abc"], /whole number/],
      [["--series", path.join(dir, "absent.csv"), "--event", EVENT], /cannot read/],
    ];
    for (const [args, message] of cases) {
      const r = await impact(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
    }
    fs.writeFileSync(path.join(dir, "noheader.csv"), "2026-01-01,5\n");
    const r = await impact("--series", path.join(dir, "noheader.csv"), "--event", "2026-01-01");
    expect(r.code).toBe(2);
    expect(r.err).toContain('header "date,count"');
  }, 180_000); // seven start-ups of the CLI from source: slow on a shared, loaded machine
});
