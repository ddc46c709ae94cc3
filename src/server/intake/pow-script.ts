import fs from "node:fs";
import { createRequire } from "node:module";

/**
 * The browser side of pow.ts, three scripts served by this server only (no request goes anywhere
 * else), and only to pages whose form carries work (the flood switch is on):
 * - /argon2.js: hash-wasm's Argon2 build (MIT, a kept library), as the package ships it;
 * - /pow-worker.js: one Web Worker tries nonces i, i + n, i + 2n, …; its response allows
 *   'wasm-unsafe-eval' (needed to compile the WebAssembly), the pages themselves do not;
 * - /pow.js: starts one worker per core (up to four, 16 MiB each by default) as soon as the page
 *   loads, so the work is usually done before he has finished typing; a submit before that waits
 *   for it and then sends the form. No texts of its own: they come from data- attributes in the
 *   applicant's language.
 */
export const ARGON2_SCRIPT = fs.readFileSync(createRequire(import.meta.url).resolve("hash-wasm/dist/argon2.umd.min.js"), "utf8");

/** The worker's own CSP: scripts from this site, WebAssembly compilation, nothing else. */
export const POW_WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";

export const POW_WORKER_SCRIPT = `"use strict";
importScripts("/argon2.js");
function zeroBits(b) {
  var n = 0;
  for (var i = 0; i < b.length; i++) {
    if (b[i] === 0) { n += 8; continue; }
    var x = b[i];
    while ((x & 128) === 0) { n++; x <<= 1; }
    return n;
  }
  return n;
}
function salt(text) {
  var s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==");
  var out = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
onmessage = function (e) {
  var token = e.data.token, start = e.data.start, step = e.data.step;
  var parts = token.split("."), bits = parseInt(parts[1], 10), memory = parseInt(parts[2], 10), s = salt(parts[4]);
  function next(n) {
    hashwasm.argon2id({ password: token + ":" + n, salt: s, parallelism: 1, iterations: 1, memorySize: memory, hashLength: 32, outputType: "binary" }).then(function (h) {
      if (zeroBits(h) >= bits) postMessage({ nonce: n });
      else next(n + step);
    }, function () { postMessage({ failed: true }); });
  }
  next(start);
};
`;

export const POW_SCRIPT = `(function () {
  "use strict";
  if (!window.Worker || !window.WebAssembly) return;
  var forms = document.querySelectorAll("form[data-pow]");
  Array.prototype.forEach.call(forms, function (form) {
    var token = form.elements.namedItem("form_token"), out = form.elements.namedItem("pow_nonce");
    var status = form.querySelector(".pow-status");
    if (!token || !out) return;
    var found = false, waiting = false, workers = [];
    var n = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
    function say(text) { if (status && text) status.textContent = text; }
    function stop() { workers.forEach(function (w) { w.terminate(); }); workers = []; }
    for (var i = 0; i < n; i++) {
      var w = new Worker("/pow-worker.js");
      w.onmessage = function (e) {
        if (found || !e.data || e.data.nonce === undefined) return;
        found = true;
        stop();
        out.value = String(e.data.nonce);
        say(form.getAttribute("data-pow-ready"));
        if (waiting) form.submit();
      };
      w.postMessage({ token: token.value, start: i, step: n });
      workers.push(w);
    }
    form.addEventListener("submit", function (e) {
      if (found) return;
      e.preventDefault();
      waiting = true;
      say(form.getAttribute("data-pow-working"));
    });
  });
})();
`;
