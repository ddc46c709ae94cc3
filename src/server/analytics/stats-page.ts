import type { AppContext } from "../context.js";
import type { BaseApp } from "../http/base.js";
import { html } from "../intake/html.js";
import { CATALOGS, fill, langOf } from "../intake/i18n.js";
import { formatMonth, layout, localeOf, numberFormat, type PageContext } from "../intake/views/layout.js";
import { loadIntakeSettings } from "../intake/settings.js";
import { sendCompressed } from "../intake/compress.js";
import { loadStatsSettings, readPublicStats, type Cell, type PublicStats, type StatsSettings } from "./disclosure.js";

/** The public statistics page (`/stats`): the applicant site's frame, without its one script. */
export function statsPage(p: PageContext, s: PublicStats, settings: StatsSettings): string {
  const t = p.t.stats;
  const vars = { threshold: settings.threshold - 1, threshold1: settings.threshold, base: settings.base };
  const num = numberFormat(localeOf(p.lang));
  const cell = (c: Cell) => ("fewer" in c ? fill(t.fewer, vars) : num.format(c.value));
  const channelName = (c: string) => (t.channels as Record<string, string>)[c] ?? c;
  const table = s.months.length
    ? html`<table>
<thead><tr><th>${t.month}</th>${s.channels.map((c) => html`<th>${channelName(c)}</th>`)}<th>${t.total}</th></tr></thead>
<tbody>
${s.months.map((m) => html`<tr><td>${formatMonth(p, m.month)}</td>${m.cells.map((c) => html`<td>${cell(c)}</td>`)}<td><b>${cell(m.total)}</b></td></tr>
`)}</tbody>
<tfoot><tr><th>${t.total}</th>${s.channelTotals.map((c) => html`<th>${cell(c)}</th>`)}<th>${cell(s.total)}</th></tr></tfoot>
</table>`
    : html`<p>${t.none}</p>`;
  return layout(
    p,
    t.title,
    html`<h1>${t.title}</h1>
<p class="lead">${t.intro}</p>
<p class="box"><b>${t.cumulative}:</b> ${cell(s.total)}</p>
${table}
<p>${fill(t.note, vars)}</p>`,
    { noScript: true },
  );
}

/** Mounted on the public listener; absent (404) unless PUBLIC_STATS=on. */
export function registerStatsPage(app: BaseApp, ctx: AppContext): void {
  const settings = loadStatsSettings();
  if (!settings.enabled) return;
  const intake = loadIntakeSettings();
  app.get("/stats", async (req, reply) => {
    const lang = langOf(req.query);
    const p: PageContext = { lang, t: CATALOGS[lang], nonce: reply.cspNonce ?? { script: "", style: "" }, path: "/stats", settings: intake, now: ctx.now() };
    return sendCompressed(req, reply.type("text/html; charset=utf-8"), statsPage(p, await readPublicStats(ctx, settings), settings));
  });
}
