import { attr, html, type Html } from "../html.js";
import { fill, pageHref } from "../i18n.js";
import { CONTACTS, DEPLOYED, RECEIPT_KINDS, REGIONS, TIMINGS, WHO, type RewardSchedule } from "../choices.js";
import { LIMITS, type FieldErrors } from "../schema.js";
import type { FormValues } from "../form-body.js";
import { FORM_TOKEN_FIELD } from "../form-token.js";
import { layout, type PageContext } from "./layout.js";
import { equipmentLabel, rewardAmount } from "./info.js";

export interface FormState {
  values: FormValues;
  errors: FieldErrors;
  /** The form token (form-token.ts); it carries the proof-of-work challenge while the flood switch is on. */
  token: string;
}

/** Does this token ask for work (bits above 0)? */
export function asksWork(token: string): boolean {
  return token.split(".")[1] !== "0";
}

/** The token field, and while work is asked, the nonce field, a status line and the no-script explanation. */
export function tokenFields(p: PageContext, token: string): Html {
  const field = html`<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${token}">`;
  if (!asksWork(token)) return field;
  return html`<noscript><p class="box">${p.t.pow.noscript}</p></noscript>
${field}
<input type="hidden" name="pow_nonce" value="">
<p class="pow-status hint" role="status"></p>`;
}

export function powAttributes(p: PageContext, token: string): Html {
  return asksWork(token) ? html` data-pow="1" data-pow-working="${p.t.pow.working}" data-pow-ready="${p.t.pow.ready}"` : html``;
}

const str = (v: FormValues, name: string) => (typeof v[name] === "string" ? (v[name] as string) : "");

/**
 * The request form ("preliminary surrender"). Re-rendered with everything he typed when a field
 * needs fixing. Nothing is required but what lets the hotline answer him; autocomplete is off so
 * the browser keeps no history of what he typed.
 */
export function requestPage(p: PageContext, s: FormState, schedule: RewardSchedule, status: "fresh" | "retry" = "fresh"): string {
  const { t } = p;
  const f = t.form;
  const v = s.values;
  const error = (name: string) => {
    const e = s.errors[name];
    return e ? html`<p class="err" id="e-${name}">${fill(t.errors[e.key], { n: e.n ?? 0 })}</p>` : "";
  };
  const invalid = (name: string) => (s.errors[name] ? html` aria-invalid="true" aria-describedby="e-${name}"` : html``);
  const optional = html` <span class="opt">(${f.optional})</span>`;
  const input = (name: keyof typeof LIMITS, label: string, type: "text" | "tel" = "text") =>
    html`<label for="f-${name}">${label}${optional}</label>${error(name)}<input type="${type}" id="f-${name}" name="${name}" maxlength="${LIMITS[name]}" value="${str(v, name)}"${invalid(name)}>`;
  const radios = <T extends string>(name: string, options: readonly T[], labels: Record<T, string>, fallback?: T) =>
    html`${error(name)}${options.map((o) => html`<label class="c"><input type="radio" name="${name}" value="${o}"${attr((str(v, name) || fallback) === o, "checked")}><span>${labels[o]}</span></label>`)}`;
  const select = <T extends string>(name: string, label: string, options: readonly T[], labels: Record<T, string>) =>
    html`<label for="f-${name}">${label}${optional}</label>${error(name)}<select id="f-${name}" name="${name}"${invalid(name)}><option value="">${f.notChosen}</option>${options.map((o) => html`<option value="${o}"${attr(str(v, name) === o, "selected")}>${labels[o]}</option>`)}</select>`;

  const chosen = new Set(Array.isArray(v.equipment) ? v.equipment : []);
  const retry = status === "retry";
  const summary = s.errors._form ? fill(t.errors[s.errors._form.key], {}) : retry ? t.errors.summary : null;

  return layout(
    p,
    f.title,
    html`<h1>${f.title}</h1>
<p>${f.intro}</p>
${summary ? html`<p class="box err" role="alert">${summary}</p>` : ""}
<form method="post" action="${pageHref("/request", p.lang)}" accept-charset="utf-8" autocomplete="off" id="request-form"${powAttributes(p, s.token)}>
${tokenFields(p, s.token)}
<fieldset><legend>${f.whoLegend}</legend>
${radios("who", WHO, t.choices.who)}
<label for="f-group_size">${f.groupSize}</label>${error("group_size")}<input type="number" id="f-group_size" name="group_size" min="2" max="500" inputmode="numeric" value="${str(v, "group_size")}"${invalid("group_size")}>
</fieldset>
<fieldset><legend>${f.aboutLegend}</legend>
${input("name", f.name)}
${input("rank", f.rank)}
${input("unit", f.unit)}
</fieldset>
<fieldset><legend>${f.whereLegend}</legend>
<p>${f.deployedQuestion}</p>
${radios("deployed", DEPLOYED, t.choices.deployed)}
${select("region", f.region, REGIONS, t.choices.regions)}
${input("location", f.location)}
${select("timing", f.timing, TIMINGS, t.choices.timing)}
</fieldset>
<fieldset><legend>${f.equipmentLegend}</legend>
<p class="hint">${f.equipmentHint}</p>
${error("equipment")}
${schedule.items.map(
  (item) =>
    html`<label class="c"><input type="checkbox" name="equipment" value="${item.code}"${attr(chosen.has(item.code), "checked")}><span>${equipmentLabel(p, item)} <small>${rewardAmount(p, item, schedule.currency)}</small></span></label>`,
)}
${input("equipment_note", f.equipmentNote)}
</fieldset>
<fieldset><legend>${f.contactLegend}</legend>
<p class="hint">${f.contactHint}</p>
${radios("contact", CONTACTS, t.choices.contact, "site")}
${input("telegram", f.telegram)}
${input("whatsapp", f.whatsapp, "tel")}
${input("phone", f.phone, "tel")}
</fieldset>
<label for="f-message"><b>${f.message}</b></label>
<p class="hint">${f.messageHint}</p>
${error("message")}
<textarea id="f-message" name="message" maxlength="${LIMITS.message}" rows="6"${invalid("message")}>${str(v, "message")}</textarea>
<fieldset><legend>${f.receiptLegend}</legend>
${radios("receipt", RECEIPT_KINDS, t.choices.receipt, "digits")}
</fieldset>
<button type="submit">${f.submit}</button>
</form>`,
    { powScript: asksWork(s.token) },
  );
}

const CYRILLIC: Record<"ru" | "uk", Record<string, string>> = {
  ru: { b: "б", d: "д", f: "ф", g: "г", k: "к", l: "л", m: "м", n: "н", p: "п", r: "р", s: "с", t: "т", v: "в", z: "з", a: "а", e: "е", i: "и", o: "о", u: "у" },
  uk: { b: "б", d: "д", f: "ф", g: "г", k: "к", l: "л", m: "м", n: "н", p: "п", r: "р", s: "с", t: "т", v: "в", z: "з", a: "а", e: "е", i: "і", o: "о", u: "у" },
};

/** The receipt words as they would be typed on a Russian or Ukrainian keyboard (normalise.ts maps them back). */
export function wordsInCyrillic(words: string, lang: "ru" | "uk" | "en"): string {
  const map = CYRILLIC[lang === "uk" ? "uk" : "ru"];
  return [...words].map((c) => map[c] ?? c).join("");
}

/** Shown once, right after the request is committed: the code, large, and how to keep it. */
export function donePage(p: PageContext, code: string, kind: "digits" | "words", leaveToken: string): string {
  const { t } = p;
  const d = t.done;
  return layout(
    p,
    d.title,
    html`<h1>${d.title}</h1>
<p>${d.received}</p>
<h2>${d.codeLabel}</h2>
<p class="code" id="receipt-code">${code}</p>
<p class="box"><b>${d.once}</b></p>
<p>${kind === "digits" ? d.digitsAdvice : fill(d.wordsAdvice, { cyrillic: wordsInCyrillic(code, p.lang) })}</p>
<div class="actions">
<a class="btn" href="${pageHref("/return", p.lang)}">${d.next}</a>
</div>
<form method="post" action="${pageHref("/return/leave", p.lang)}" class="noprint">${tokenFields(p, leaveToken)}<button type="submit" class="alt">${d.leave}</button></form>`,
  );
}

/** A request form posted again (a reload of the receipt page): nothing new was recorded. */
export function alreadySentPage(p: PageContext): string {
  const a = p.t.already;
  return layout(
    p,
    a.title,
    html`<h1>${a.title}</h1>
<p class="box" role="status">${a.text}</p>
<p>${a.keep}</p>
<div class="actions"><a class="btn" href="${pageHref("/return", p.lang)}">${p.t.done.next}</a></div>`,
  );
}

/** Before the first administrator has set up the intake team: say so plainly, ask nothing. */
export function closedPage(p: PageContext): string {
  const c = p.t.closed;
  return layout(
    p,
    c.title,
    html`<h1>${c.title}</h1>
<p class="box" role="status">${c.text}</p>
<div class="actions"><a class="btn alt" href="${pageHref("/instructions", p.lang)}">${p.t.nav.instructions}</a></div>`,
  );
}
