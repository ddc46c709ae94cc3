import { html } from "../html.js";
import { fill, pageHref } from "../i18n.js";
import type { RewardItem, RewardSchedule } from "../choices.js";
import { formatLongDate, layout, localeOf, madeOnce, numberFormat, type PageContext } from "./layout.js";

export function homePage(p: PageContext): string {
  const { t } = p;
  return layout(
    p,
    t.home.title,
    html`<h1>${t.home.title}</h1>
<p class="lead">${t.home.tagline}</p>
<div class="actions">
<a class="btn" href="${pageHref("/request", p.lang)}">${t.nav.request}</a>
<a class="btn alt" href="${pageHref("/instructions", p.lang)}">${t.nav.instructions}</a>
<a class="btn alt" href="${pageHref("/return", p.lang)}">${t.nav.return}</a>
</div>
<h2>${t.home.whatTitle}</h2>
${t.home.what.map((s) => html`<p>${s}</p>`)}
<h2>${t.home.safeTitle}</h2>
<ul>${t.home.safe.map((s) => html`<li>${s}</li>`)}</ul>
<p class="box"><b>${t.home.adviceTitle}:</b> ${t.home.advice}</p>`,
  );
}

/** Equipment label in the page language; the schedule's own English label if a catalog lacks it. */
export function equipmentLabel(p: PageContext, item: RewardItem): string {
  return (p.t.equipment as Record<string, string>)[item.code] ?? item.label;
}

/** Each amount written once per language: a formatRange costs as much as a hundred plain formats (0.04 ms here), and the request form shows every item. */
export function rewardAmount(p: PageContext, item: RewardItem, currency: string): string {
  const locale = localeOf(p.lang);
  return madeOnce(`amount|${locale}|${currency}|${item.min}|${item.max}`, () => {
    const f = numberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 });
    return item.min === item.max ? f.format(item.min) : f.formatRange(item.min, item.max);
  });
}

/** The safe-surrender steps (DOMAIN.md), printable and readable offline: one self-contained page. */
export function instructionsPage(p: PageContext, schedule: RewardSchedule): string {
  const { t } = p;
  const i = t.instructions;
  // "1 апреля 2022 г." already ends in a full stop; the sentence adds its own.
  const since = formatLongDate(p, schedule.effectiveFrom);
  return layout(
    p,
    i.title,
    html`<h1>${i.title}</h1>
<p class="lead">${i.intro}</p>
<p class="box noprint">${i.keep}</p>
<ol class="steps">
${i.steps.map(
  (s) => html`<li><h2>${s.title}</h2>
${s.text ? html`<p>${s.text}</p>` : ""}${s.items.length ? html`<ul>${s.items.map((x) => html`<li>${x}</li>`)}</ul>` : ""}</li>
`,
)}
</ol>
<h2>${i.rightsTitle}</h2>
<p>${i.rights}</p>
<h2>${i.rewardTitle}</h2>
<p>${fill(i.rewardIntro, { date: since.replace(/\.$/, "") })}</p>
<table>
<thead><tr><th>${i.rewardEquipment}</th><th>${i.rewardAmount}</th></tr></thead>
<tbody>
${schedule.items.map((item) => html`<tr><td>${equipmentLabel(p, item)}</td><td>${rewardAmount(p, item, schedule.currency)}</td></tr>
`)}
</tbody>
</table>
<h2>${i.safetyTitle}</h2>
<ul>${i.safety.map((s) => html`<li>${s}</li>`)}</ul>`,
  );
}
