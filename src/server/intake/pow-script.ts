/**
 * /pow.js: the browser side of pow.ts, served only to pages that carry a challenge (the flood
 * switch is on). No dependencies, no texts of its own (they come from data- attributes in the
 * applicant's language), WebCrypto SHA-256 in batches so that a phone finishes 2^16 hashes in a
 * second or two. It starts at page load, so the work is usually done before he has finished
 * typing; a submit before that waits for it and then sends the form.
 */
export const POW_SCRIPT = `(function () {
  "use strict";
  if (!window.crypto || !crypto.subtle || !window.TextEncoder || !window.Promise) return;
  var enc = new TextEncoder();
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
  function solve(challenge, bits, start) {
    var batch = [];
    for (var i = 0; i < 256; i++) batch.push(crypto.subtle.digest("SHA-256", enc.encode(challenge + ":" + (start + i))));
    return Promise.all(batch).then(function (hashes) {
      for (var j = 0; j < hashes.length; j++) if (zeroBits(new Uint8Array(hashes[j])) >= bits) return start + j;
      return solve(challenge, bits, start + 256);
    });
  }
  var forms = document.querySelectorAll("form[data-pow]");
  Array.prototype.forEach.call(forms, function (form) {
    var c = form.elements.namedItem("pow_challenge"), out = form.elements.namedItem("pow_nonce");
    var status = form.querySelector(".pow-status");
    if (!c || !out) return;
    var bits = parseInt(c.value.split(".")[0], 10), found = false, waiting = false;
    function say(text) { if (status && text) status.textContent = text; }
    solve(c.value, bits, 0).then(function (n) {
      out.value = String(n);
      found = true;
      say(form.getAttribute("data-pow-ready"));
      if (waiting) form.submit();
    });
    form.addEventListener("submit", function (e) {
      if (found) return;
      e.preventDefault();
      waiting = true;
      say(form.getAttribute("data-pow-working"));
    });
  });
})();
`;
