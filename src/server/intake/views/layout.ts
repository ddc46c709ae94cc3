import { html, trusted, type Html } from "../html.js";
import { CATALOGS, LANGS, fill, pageHref, type Catalog, type Lang } from "../i18n.js";
import type { IntakeSettings } from "../settings.js";
import { CSS, QUICK_EXIT_SCRIPT } from "./styles.js";

/** What every page needs: language, texts, the CSP nonces of this response, where it lives. */
export interface PageContext {
  lang: Lang;
  t: Catalog;
  nonce: { script: string; style: string };
  /** Path of this page, for the language links (GET pages only). */
  path: string;
  settings: IntakeSettings;
  now: Date;
}

const LOCALES: Record<Lang, string> = { ru: "ru-RU", uk: "uk-UA", en: "en-GB" };
export const localeOf = (lang: Lang) => LOCALES[lang];

/**
 * The frame of every applicant page: quick exit first (reachable with one tap, before anything
 * else), the language links, the content, then the other channels. No external resource of any
 * kind; the only address outside this site is the quick-exit target.
 */
export function layout(p: PageContext, title: string, body: Html, opts: { powScript?: boolean; noScript?: boolean } = {}): string {
  const { t } = p;
  const langs = LANGS.map((l) => (l === p.lang ? html`<b lang="${l}">${CATALOGS[l].meta.langName}</b>` : html`<a lang="${l}" hreflang="${l}" href="${pageHref(p.path, l)}">${CATALOGS[l].meta.langName}</a>`));
  const page = html`<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t.meta.siteName}</title>
<style nonce="${p.nonce.style}">${trusted(CSS)}</style>
</head>
<body>
<header>
<a class="qx" id="qx" href="${p.settings.quickExitUrl}" rel="noreferrer noopener" title="${t.nav.quickExitHint}">${t.nav.quickExit}</a>
<a class="site" href="${pageHref("/", p.lang)}">${t.meta.siteName}</a>
<nav class="langs" aria-label="${t.nav.languages}">${langs}</nav>
</header>
<main>
${body}
</main>
<footer>
${channels(p)}
<p><a href="${pageHref("/", p.lang)}">${t.nav.home}</a> · <a href="${pageHref("/request", p.lang)}">${t.nav.request}</a> · <a href="${pageHref("/instructions", p.lang)}">${t.nav.instructions}</a> · <a href="${pageHref("/return", p.lang)}">${t.nav.return}</a></p>
<p>${t.footer}</p>
</footer>
${opts.noScript ? "" : html`<script nonce="${p.nonce.script}">${trusted(QUICK_EXIT_SCRIPT)}</script>`}
${opts.powScript ? html`<script nonce="${p.nonce.script}" src="/pow.js" defer></script>` : ""}
</body>
</html>
`;
  return page.value;
}

export function channels(p: PageContext): Html {
  const { t, settings: s } = p;
  return html`<h2>${t.channels.title}</h2>
<p>${t.channels.intro}</p>
<ul>
<li><a href="${pageHref("/request", p.lang)}">${t.channels.site}</a></li>
<li>${t.channels.telegram}: <b>${s.telegram}</b></li>
<li>${t.channels.whatsapp}: <b>${s.whatsapp}</b></li>
<li>${t.channels.phone}: <b>${s.phone}</b></li>
</ul>`;
}

export type ProblemKind = "badForm" | "tooLarge" | "tooMany" | "error" | "crossSite";

export function problemPage(p: PageContext, kind: ProblemKind, vars: Record<string, string | number> = {}): string {
  const { t } = p;
  const title = t.problem[`${kind}Title`];
  return layout(
    p,
    title,
    html`<h1>${title}</h1>
<p class="box">${fill(t.problem[kind], vars)}</p>
<div class="actions"><a class="btn alt" href="${pageHref("/", p.lang)}">${t.nav.home}</a></div>`,
  );
}

/**
 * What a page formats the same way every time, made once per key: an Intl formatter holds ICU
 * objects in native memory that the JS heap does not see, so making one per message (640 per
 * thread read) grew the resident size by gigabytes before the collector ever felt pressure
 * (issue 17), and making the reward amounts' formatters per request form took a tenth of the
 * server's thread in an intake flood (issue 16). The keys are few: locales × options × items.
 */
const MADE = new Map<string, unknown>();

export function madeOnce<T>(key: string, make: () => T): T {
  if (!MADE.has(key)) MADE.set(key, make());
  return MADE.get(key) as T;
}

const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions) => madeOnce(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));

/** A number formatter for a page's locale, shared by every page that needs the same one. */
export const numberFormat = (locale: string, options: Intl.NumberFormatOptions = {}) => madeOnce(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));

/** A moment in the applicant's time zone (the catalog's), medium date and short time. */
export function formatDateTime(p: PageContext, d: Date): string {
  return dateFormat(localeOf(p.lang), { dateStyle: "medium", timeStyle: "short", timeZone: p.t.meta.timeZone }).format(d);
}

/** A calendar month ("2026-03") by name, in the page's language. */
export function formatMonth(p: PageContext, month: string): string {
  return dateFormat(localeOf(p.lang), { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${month}-01T00:00:00Z`));
}

/** A calendar day ("2022-04-01") in words, in the page's language. */
export function formatLongDate(p: PageContext, day: string): string {
  return dateFormat(localeOf(p.lang), { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
