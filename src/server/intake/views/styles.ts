/**
 * The one style sheet, inlined in every page under the CSP nonce: no extra request, nothing left
 * in a cache, and the page is whole when saved or printed. System fonts only. Kept small: with
 * the markup it must stay under 14 KB compressed (one round trip on a poor link).
 */
export const CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#f5f4f0}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.5rem 1rem;background:#fff;border-bottom:1px solid #d8d6cf}
.site{font-weight:700;color:#1a1a1a;text-decoration:none}
.qx{background:#a3001b;color:#fff;padding:.5rem .9rem;border-radius:4px;font-weight:700;text-decoration:none;white-space:nowrap}
.langs a,.langs b{margin-left:.6rem}
main,footer{max-width:42rem;margin:0 auto;padding:.5rem 1rem}
footer{margin-top:1.5rem;border-top:1px solid #d8d6cf;font-size:.95rem;color:#444}
h1{font-size:1.55rem;line-height:1.25;margin:.8rem 0}
h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
a{color:#0a4a94}
.lead{font-size:1.1rem}
.actions{display:flex;flex-direction:column;gap:.6rem;margin:1.2rem 0}
.btn,button{display:block;width:100%;text-align:center;padding:.75rem 1rem;border-radius:6px;border:2px solid #0a4a94;background:#0a4a94;color:#fff;font:inherit;font-weight:700;text-decoration:none;cursor:pointer}
.alt{background:#fff;color:#0a4a94}
fieldset{border:1px solid #c9c6bd;border-radius:6px;margin:0 0 1rem;padding:.5rem .9rem .8rem;background:#fff}
legend{font-weight:700;padding:0 .3rem}
label{display:block;margin:.6rem 0 .2rem}
.opt{color:#555;font-weight:400;font-size:.9rem}
.c{display:flex;gap:.55rem;align-items:flex-start;margin:.35rem 0}
.c input{margin-top:.3rem;flex:none;width:1.15rem;height:1.15rem}
.c small{color:#555;white-space:nowrap}
input[type=text],input[type=tel],input[type=number],select,textarea{display:block;width:100%;padding:.55rem;font:inherit;border:1px solid #77756e;border-radius:4px;background:#fff;color:inherit}
textarea{min-height:7rem;resize:vertical}
[aria-invalid=true]{border:2px solid #a3001b}
.err{color:#a3001b;font-weight:700;margin:.2rem 0}
.box{background:#fff6d6;border:1px solid #d9bd5a;padding:.7rem .9rem;border-radius:6px}
.hint{color:#444;font-size:.95rem;margin:.2rem 0}
.code{font:700 clamp(1.1rem,6vw,1.8rem)/1.35 ui-monospace,Menlo,Consolas,monospace;text-align:center;background:#fff;border:2px dashed #0a4a94;border-radius:6px;padding:.8rem .4rem;word-spacing:.2em;overflow-wrap:anywhere}
.thread{list-style:none;padding:0}
.msg{background:#fff;border-radius:6px;padding:.5rem .8rem;margin:.6rem 0;border-left:5px solid #8c8a84}
.msg.out{border-left-color:#0a4a94}
.msg p{margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{font-size:.88rem;color:#555}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #d8d6cf;padding:.4rem;text-align:left;vertical-align:top}
td+td{white-space:nowrap}
ol.steps>li{margin:.5rem 0}
.instructions{white-space:pre-line}
@media print{header,footer,.actions,.noprint{display:none}.card{border:2px solid #000}body{background:#fff;font-size:12pt}.box,.msg,fieldset,table{background:#fff}}`;

/**
 * Quick exit with scripts on: replace the current history entry, so Back does not return here.
 * With scripts off it is an ordinary link (a new history entry; earlier pages of this site stay
 * in the history either way): that is why the home page also advises a private window and
 * clearing the history.
 */
export const QUICK_EXIT_SCRIPT = `document.getElementById("qx").addEventListener("click",function(e){e.preventDefault();location.replace(this.href)});`;
