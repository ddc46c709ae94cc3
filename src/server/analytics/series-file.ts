import fs from "node:fs";
import { ImpactInputError } from "./impact.js";

/**
 * A daily series from a CSV file with the header `date,count` (one row a day), as analysts keep
 * published figures. Only that shape is read; anything else is refused with the line number.
 */
export function readSeriesFile(file: string): { dates: string[]; counts: number[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new ImpactInputError(`cannot read ${file}`);
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines[0]?.replace(/\s/g, "").toLowerCase() !== "date,count") throw new ImpactInputError('the first line must be the header "date,count"');
  const dates: string[] = [];
  const counts: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== 2 || !/^-?\d+(\.\d+)?$/.test(cells[1]!)) throw new ImpactInputError(`line ${i + 2}: expected "YYYY-MM-DD,count"`);
    dates.push(cells[0]!);
    counts.push(Number(cells[1]));
  });
  return { dates, counts };
}
