import { html, type Html } from "../html.js";
import { fill, pageHref } from "../i18n.js";
import { LIMITS } from "../schema.js";
import { APPLICANT_IDLE_MINUTES } from "../applicant-session.js";
import type { ApplicantThread } from "../applicant-thread.js";
import { formatDateTime, layout, type PageContext } from "./layout.js";
import { powAttributes, tokenFields, asksWork } from "./request.js";

export type ReturnNotice = "wrong" | "malformed" | "expired" | "pow" | "busy" | "stale" | null;

/**
 * "Come back with my code". The code field is never filled back in (not even after a typo): the
 * code is his only credential and should not sit in a page. A reply he typed before his session
 * ran out is carried along and sent once the code opens the case.
 */
export function returnPage(p: PageContext, opts: { notice: ReturnNotice; pending?: string; token: string }): string {
  const { t } = p;
  const r = t.ret;
  const notice = opts.notice === "pow" ? t.errors.pow : opts.notice === "busy" ? t.errors.busy : opts.notice === "stale" ? t.errors.expired : opts.notice ? r[opts.notice] : null;
  return layout(
    p,
    r.title,
    html`<h1>${r.title}</h1>
<p>${r.intro}</p>
${notice ? html`<p class="box err" role="alert">${notice}</p>` : ""}
<form method="post" action="${pageHref("/return", p.lang)}" accept-charset="utf-8" autocomplete="off" id="return-form"${powAttributes(p, opts.token)}>
${tokenFields(p, opts.token)}
<label for="f-code">${r.code}</label>
<input type="text" id="f-code" name="code" maxlength="${LIMITS.code}" autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false" required>
${
  opts.pending
    ? html`<label for="f-message">${r.pending}</label><textarea id="f-message" name="message" maxlength="${LIMITS.message}" rows="4">${opts.pending}</textarea>`
    : ""
}
<p><button type="submit">${r.submit}</button></p>
</form>
<p class="hint">${r.lost}</p>`,
    { powScript: asksWork(opts.token) },
  );
}

/** The conversation; its two forms carry tokens bound to his session (form-token.ts). */
export function threadPage(p: PageContext, thread: ApplicantThread, opts: { sent: boolean; error?: string | null; draft?: string; tokens: { reply: string; leave: string; confirm: string } }): string {
  const { t } = p;
  const th = t.thread;
  const replied = thread.replied;
  const pager = thread.olderSeq !== null || thread.older;
  const rv = thread.rendezvous;
  return layout(
    p,
    th.title,
    html`<h1>${th.title}</h1>
${opts.sent ? html`<p class="box" role="status">${th.sent}</p>` : ""}
${thread.instructions ? instructionCard(p, thread.instructions, opts.tokens.confirm) : ""}
${
  rv
    ? html`<div class="box"><h2>${th.rendezvousTitle}</h2>
${rv.when ? html`<p><b>${th.when}:</b> ${rv.when}</p>` : ""}${rv.where ? html`<p><b>${th.where}:</b> ${rv.where}</p>` : ""}${rv.signals ? html`<p><b>${th.signals}:</b> ${rv.signals}</p>` : ""}</div>`
    : ""
}
${
  pager
    ? html`<nav class="pager noprint" aria-label="${t.threadPages.pages}">${thread.olderSeq !== null ? html`<a class="btn alt" id="older" href="${pageHref("/return", p.lang, `before=${thread.olderSeq}`)}">${t.threadPages.older}</a>` : ""}${
        thread.older ? html` <a class="btn alt" id="newest" href="${pageHref("/return", p.lang)}">${t.threadPages.newest}</a>` : ""
      }</nav>`
    : ""
}
<ol class="thread noprint" id="thread">
${thread.messages.map(
  (m) => html`<li class="msg ${m.direction}"><p class="meta">${m.direction === "in" ? th.you : th.hotline} · ${formatDateTime(p, m.createdAt)}</p><p>${m.body}</p></li>
`,
)}
</ol>
${replied ? "" : html`<p class="hint">${th.empty}</p>`}
${thread.moved ? html`<p class="box">${th.moved}</p>` : ""}
<form method="post" action="${pageHref("/return/reply", p.lang)}" accept-charset="utf-8" autocomplete="off" id="reply-form" class="noprint">
${tokenFields(p, opts.tokens.reply)}
<label for="f-message">${th.reply}</label>
${opts.error ? html`<p class="err" id="e-message">${opts.error}</p>` : ""}
<textarea id="f-message" name="message" maxlength="${LIMITS.message}" rows="5" required>${opts.draft ?? ""}</textarea>
<p><button type="submit">${th.send}</button></p>
</form>
<form method="post" action="${pageHref("/return/leave", p.lang)}" class="noprint">${tokenFields(p, opts.tokens.leave)}<button type="submit" class="alt">${th.leave}</button></form>
<p class="hint">${fill(th.leaveHint, { minutes: APPLICANT_IDLE_MINUTES })}</p>`,
  );
}

/**
 * His instructions as a card: the one part of the page that prints (everything else is
 * noprint), no script needed. The confirm button is a plain form bound to his session.
 */
function instructionCard(p: PageContext, card: { text: string; confirmed: boolean }, token: string): Html {
  const th = p.t.thread;
  return html`<section class="box card" id="instructions" aria-labelledby="instructions-title"><h2 id="instructions-title">${th.instructionsTitle}</h2>
<p class="instructions">${card.text}</p>
<p class="hint noprint">${th.printHint}</p>
${
  card.confirmed
    ? html`<p class="noprint" role="status" id="confirmed">${th.confirmedNote}</p>`
    : html`<form method="post" action="${pageHref("/return/confirm", p.lang)}" class="noprint" id="confirm-form">${tokenFields(p, token)}<p>${th.confirmAsk}</p><button type="submit">${p.t.operations.confirmButton}</button></form>`
}</section>`;
}

export function leftPage(p: PageContext): string {
  const { t } = p;
  return layout(
    p,
    t.thread.leave,
    html`<h1>${t.thread.leave}</h1>
<p class="box">${t.thread.left}</p>
<div class="actions"><a class="btn alt" href="${pageHref("/", p.lang)}">${t.nav.home}</a></div>`,
  );
}
