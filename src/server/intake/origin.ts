import type { FastifyRequest } from "fastify";

/**
 * Is this post from one of our own pages? A hostile site must not make its visitors' browsers
 * send fake requests, nor sign an applicant into the hostile site's case (a form posting its own
 * receipt code to /return). Browsers tell us where a post comes from:
 * - Sec-Fetch-Site (Chromium 76+, Firefox 90+, Safari 16.4+): only "same-origin" is ours
 *   ("none" is a post the person started himself, e.g. reloading the page); "same-site" and
 *   "cross-site" are refused: another host of the same domain is not this site;
 * - Origin: when it names a site, it must be this host. Our pages send Referrer-Policy
 *   no-referrer, under which browsers send "Origin: null" even for our own forms, so "null"
 *   alone proves nothing either way.
 * A post with neither header (or only "Origin: null") comes from a browser older than both, or
 * from a program that is not a browser at all (which no hostile site can drive): it is let
 * through, and the form token stands alone (valid MAC, unexpired, one use for the proof of
 * work; bound to the session for reply and leave). The gap left is a browser from before 2019
 * visiting a hostile page that fetched a fresh token for it: README, "Cross-site posts".
 */
export function crossSite(req: FastifyRequest): boolean {
  const site = header(req, "sec-fetch-site");
  if (site !== undefined) return site !== "same-origin" && site !== "none";
  const origin = header(req, "origin");
  if (origin === undefined || origin === "null") return false;
  // req.host honours the trusted-proxy setting (X-Forwarded-Host only from a trusted proxy). The
  // scheme is not compared: behind a TLS proxy the page is https and this listener plain http.
  const from = hostAndPort(origin);
  return from === null || from !== hostAndPort(`http://${req.host}`);
}

function hostAndPort(url: string): string | null {
  try {
    const u = new URL(url);
    const port = u.port === "80" || u.port === "443" ? "" : u.port;
    return `${u.hostname}:${port}`;
  } catch {
    return null;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === "string" ? v.trim().toLowerCase() : Array.isArray(v) ? "invalid" : undefined;
}
