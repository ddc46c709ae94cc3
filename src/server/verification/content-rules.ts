import { REGION_SECTORS, type UnitFinding } from "../../shared/verification.js";
import type { VerificationSettings } from "./settings.js";

/**
 * The rules of the risk score that read what the applicant wrote (his claimed unit and sector,
 * his messages). Pure functions over decrypted text a verifier's request already holds: they
 * return codes and counts, never the text, so nothing of it reaches the store, a log or a factor.
 */

// Latin letters that look like Cyrillic ones: "пoзиции" typed with a Latin "o" still matches.
const LOOKALIKE: Readonly<Record<string, string>> = { a: "а", b: "в", c: "с", e: "е", h: "н", i: "і", k: "к", m: "м", o: "о", p: "р", t: "т", x: "х", y: "у" };
const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * Text folded for matching: NFKC, lower case, ё → е (Russian writes both), apostrophes of
 * Ukrainian dropped (їхній/ʼ/'/’), look-alike Latin letters inside a Cyrillic word made Cyrillic,
 * and anything but letters and digits a single space. Framed by spaces, so " phrase" finds a word start.
 */
export function foldForMatch(text: string): string {
  const lower = text.normalize("NFKC").toLowerCase().replace(/ё/g, "е").replace(/['’ʼ`]/g, "");
  const words = lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return ` ${words.map((w) => (CYRILLIC.test(w) ? [...w].map((ch) => LOOKALIKE[ch] ?? ch).join("") : w)).join(" ")} `;
}

/**
 * The probing rules an applicant's messages match: how many messages match any rule, and which
 * rules. A phrase matches from the start of a word ("координат" finds "координаты", "координати").
 */
export function matchProbing(messages: string[], rules: VerificationSettings["probing"]): { messages: number; rules: string[] } | null {
  const folded = rules.map((r) => ({ key: r.key, phrases: r.phrases.map((p) => foldForMatch(p).trimEnd()).filter((p) => p.trim()) }));
  const hit = new Set<string>();
  let count = 0;
  for (const m of messages) {
    const text = foldForMatch(m);
    const keys = folded.filter((r) => r.phrases.some((p) => text.includes(p))).map((r) => r.key);
    if (keys.length) count++;
    for (const k of keys) hit.add(k);
  }
  return count ? { messages: count, rules: rules.map((r) => r.key).filter((k) => hit.has(k)) } : null;
}

/** The sector a questionnaire region claims (a region code, or an ISO code written in), or null. */
export function claimedSector(region: unknown): string | null {
  if (typeof region !== "string") return null;
  if (region in REGION_SECTORS) return REGION_SECTORS[region as keyof typeof REGION_SECTORS];
  return /^(UA-\d{2}|RU-[A-Z]{2,3})$/.test(region) ? region : null;
}

/**
 * Does the claimed unit fit the plausibility list? A unit matches an entry when one of its names
 * is a whole run of words of the claim ("1430-й полк, 2-я рота" has "1430 й полк"). Not on the
 * list: "not_listed". On it, but no matching entry has the claimed sector while one lists some
 * sectors: "sector_not_listed". No list, no claimed unit, or no claimed sector: nothing to judge.
 */
export function judgeUnit(unit: unknown, region: unknown, units: VerificationSettings["units"]): UnitFinding | null {
  if (!units.length || typeof unit !== "string" || !unit.trim()) return null;
  const claim = foldForMatch(unit);
  const entries = units.filter((u) => u.names.some((n) => foldForMatch(n).trim() && claim.includes(foldForMatch(n))));
  if (!entries.length) return "not_listed";
  const sector = claimedSector(region);
  const located = entries.filter((u) => u.sectors.length);
  if (!sector || !located.length) return null;
  return located.some((u) => u.sectors.includes(sector)) ? null : "sector_not_listed";
}
