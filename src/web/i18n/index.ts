import i18n, { type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import uk from "./uk.json";
import en from "./en.json";

/**
 * Every text the console shows lives in uk.json and en.json. Ukrainian is the default; the
 * choice is remembered in this browser only. Both catalogs must have the same keys: the two
 * assignments below fail to compile when one has a key the other lacks.
 */
export type Catalog = typeof uk;
const enChecked: Catalog = en;
const ukChecked: typeof en = uk;

export const LANGUAGES = ["uk", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "uk";

const STORAGE_KEY = "safe-passage.console.language";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: Catalog };
  }
}

function storedLanguage(): Language {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? "") ? (v as Language) : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

export function initI18n() {
  const lng = storedLanguage();
  document.documentElement.lang = lng;
  return i18n.use(initReactI18next).init({
    resources: { uk: { translation: ukChecked }, en: { translation: enChecked } },
    lng,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    initAsync: false,
    // React escapes what it renders; escaping here too would show "&amp;" to people.
    interpolation: { escapeValue: false },
  });
}

export async function setLanguage(lng: Language) {
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  document.documentElement.lang = lng;
  await i18n.changeLanguage(lng);
}

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.resolvedLanguage ?? "") ? (i18n.resolvedLanguage as Language) : DEFAULT_LANGUAGE;
}

/**
 * A key built at run time from server data (an audit action, a subject type): translated when
 * the catalog knows it, otherwise shown as the server sent it.
 */
export function translateKnown(t: TFunction, key: string, fallback: string): string {
  return i18n.exists(key) ? (t as unknown as (k: string) => string)(key) : fallback;
}

/** Locale for dates and numbers. */
export function locale(): string {
  return currentLanguage() === "uk" ? "uk-UA" : "en-GB";
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));
}

export { i18n };
