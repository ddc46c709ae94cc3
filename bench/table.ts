/** One measured figure. `ratio` compares it with a baseline measured in the same run. */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  ratio?: string;
  note?: string;
}

export function printTable(rows: BenchRow[]): void {
  const cells = rows.map((r) => [r.section, r.name, formatNumber(r.value), r.unit, r.ratio ?? "", r.note ?? ""]);
  const head = ["section", "measure", "value", "unit", "ratio", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => "| " + c.map((x, i) => (i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w, i) => (i === 2 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|");
  for (const c of cells) console.log(line(c));
}

function formatNumber(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString("en-US");
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
