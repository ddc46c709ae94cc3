import type { Db } from "../db/index.js";
import type { CaseFlag } from "../../shared/api/cases.js";

/**
 * Markers another capability puts on a case in lists and the case view, each a bare yes/no (the
 * why stays with that capability): verification says "needs verification" without the reason.
 * The capability registers its source on import, like a guard; the case core knows only the names.
 */
type FlagSource = (db: Pick<Db, "select">, caseIds: string[]) => Promise<Set<string>>;
const sources = new Map<CaseFlag, FlagSource>();

export function registerCaseFlag(flag: CaseFlag, source: FlagSource) {
  sources.set(flag, source);
}

/** The flags of these cases (one query per registered flag, whatever the number of cases). */
export async function caseFlags(db: Pick<Db, "select">, caseIds: string[]): Promise<Map<string, CaseFlag[]>> {
  const out = new Map<string, CaseFlag[]>();
  if (caseIds.length === 0) return out;
  for (const [flag, source] of sources) {
    for (const id of await source(db, caseIds)) out.set(id, [...(out.get(id) ?? []), flag]);
  }
  return out;
}
