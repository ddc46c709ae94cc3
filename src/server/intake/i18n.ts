import ru from "./i18n/ru.json" with { type: "json" };
import uk from "./i18n/uk.json" with { type: "json" };
import en from "./i18n/en.json" with { type: "json" };

/**
 * The applicant's texts live in i18n/*.json, never in code. Russian is the reference catalog:
 * the others must have the same shape (checked here by the compiler and in the tests), so a
 * text added in one language and forgotten in another does not build.
 */
export type Catalog = typeof ru;
export const LANGS = ["ru", "uk", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "ru";

export const CATALOGS: Readonly<Record<Lang, Catalog>> = { ru, uk, en };

/** The page language from `?lang=`; anything else (absent, unknown, repeated) is Russian. */
export function langOf(query: unknown): Lang {
  const v = typeof query === "object" && query !== null ? (query as Record<string, unknown>).lang : undefined;
  return typeof v === "string" && (LANGS as readonly string[]).includes(v) ? (v as Lang) : DEFAULT_LANG;
}

/** Fill "{name}" placeholders. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** A link to one of these pages in the same language (Russian needs no parameter). */
export function pageHref(path: string, lang: Lang, extra = ""): string {
  const params = [lang === DEFAULT_LANG ? "" : `lang=${lang}`, extra].filter(Boolean).join("&");
  return params ? `${path}?${params}` : path;
}
