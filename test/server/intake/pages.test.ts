import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshContext } from "../../support/store.js";
import { buildPublicApp } from "../../../src/server/app.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { CATALOGS, LANGS } from "../../../src/server/intake/i18n.js";
import { loadIntakeSettings } from "../../../src/server/intake/settings.js";
import schedule from "../../../src/server/rewards/schedule-seed.json" with { type: "json" };
import { get } from "./helpers.js";
import { teams } from "../../../src/server/db/schema.js";
import { generateTeamKeyPair } from "../../../src/server/crypto/team-keys.js";
import { wipe } from "../../../src/server/crypto/secure.js";
import { teamKeyMac } from "../../../src/server/keys/pinned.js";

let ctx: AppContext;
let app: BaseApp;
let cleanup: () => Promise<void>;
const PAGES = ["/", "/request", "/instructions", "/return"];
const QUICK_EXIT = loadIntakeSettings().quickExitUrl;

beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
  // The hotline is open: the intake team has its key (as after the first administrator's setup).
  const pair = generateTeamKeyPair();
  await ctx.db.insert(teams).values({ id: "intake", publicKey: pair.publicKey, mac: teamKeyMac(ctx.keys, "intake", pair.publicKey, 1) });
  wipe(pair.privateKey);
  app = await buildPublicApp(ctx);
});
afterAll(async () => {
  await app.close();
  await cleanup();
});

function keysOf(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [`${prefix}[${value.length}]`, ...value.flatMap((v, i) => keysOf(v, `${prefix}[${i}]`))];
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

describe("applicant pages", () => {
  it("every catalog has exactly the Russian catalog's texts, and a label for every equipment type", () => {
    const ru = keysOf(CATALOGS.ru).sort();
    for (const lang of LANGS) {
      expect(keysOf(CATALOGS[lang]).sort(), lang).toEqual(ru);
      for (const item of schedule.items) expect((CATALOGS[lang].equipment as Record<string, string>)[item.code], `${lang} ${item.code}`).toBeTruthy();
    }
  });

  it("render in Russian by default, and in Ukrainian and English by ?lang=", async () => {
    for (const path of PAGES) {
      const ru = await get(app, path);
      expect(ru.statusCode, path).toBe(200);
      expect(ru.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(ru.body).toContain('<html lang="ru">');
      for (const lang of LANGS) {
        const r = await get(app, `${path}?lang=${lang}`);
        expect(r.statusCode).toBe(200);
        expect(r.body).toContain(`<html lang="${lang}">`);
        expect(r.body).toContain(CATALOGS[lang].nav.quickExit);
        expect(r.body).toContain(CATALOGS[lang].footer);
      }
    }
    expect((await get(app, "/")).body).toContain("Горячая линия для военнослужащих");
    expect((await get(app, "/?lang=uk")).body).toContain("Гаряча лінія для військовослужбовців");
    expect((await get(app, "/?lang=en")).body).toContain("A hotline for soldiers");
    // An unknown language falls back to Russian rather than failing.
    expect((await get(app, "/?lang=xx")).body).toContain('<html lang="ru">');
    // Links keep the language.
    expect((await get(app, "/?lang=uk")).body).toContain('href="/request?lang=uk"');
  });

  it("set no cookie, load nothing from elsewhere, and carry the quick exit", async () => {
    for (const path of PAGES) {
      for (const lang of LANGS) {
        const r = await get(app, `${path}?lang=${lang}`);
        expect(r.headers["set-cookie"], path).toBeUndefined();
        expect(r.headers["cache-control"]).toBe("no-store");
        const urls = r.body.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
        expect(urls, `${path} ${lang}`).toEqual([QUICK_EXIT]);
        expect(r.body).toMatch(/<a class="qx" id="qx" href="https:\/\/[^"]+" rel="noreferrer noopener"/);
        expect(r.body).toContain('<meta name="referrer" content="no-referrer">');
        expect(r.body).not.toMatch(/<(img|link|iframe|object|embed)\b/i);
        expect(r.body).not.toMatch(/src="(?!\/pow\.js)/);
        // Nothing he types is remembered by the browser's form history.
        for (const form of r.body.match(/<form [^>]*>/g) ?? []) if (/method="post"/.test(form) && !/leave/.test(form)) expect(form).toContain('autocomplete="off"');
      }
    }
  });

  it("are under a CSP without unsafe-inline; inline style and script carry the response's nonces", async () => {
    for (const path of PAGES) {
      const r = await get(app, path);
      const csp = String(r.headers["content-security-policy"]);
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("default-src 'none'");
      const styleNonce = /<style nonce="([^"]+)">/.exec(r.body)![1];
      const scriptNonce = /<script nonce="([^"]+)">/.exec(r.body)![1];
      expect(csp).toContain(`style-src 'self' 'nonce-${styleNonce}'`);
      expect(csp).toContain(`script-src 'self' 'nonce-${scriptNonce}'`);
      expect(r.body.match(/<style\b/g)).toHaveLength(1);
      expect(r.body.match(/<script\b/g)).toHaveLength(1); // the quick exit; no proof-of-work script on a normal day
    }
  });

  it("fit in one round trip: home and form under 14 KB compressed", async () => {
    for (const path of ["/", "/request"]) {
      for (const lang of LANGS) {
        const br = await get(app, `${path}?lang=${lang}`, { encoding: "br, gzip" });
        expect(br.headers["content-encoding"]).toBe("br");
        expect(br.headers.vary).toContain("Accept-Encoding");
        expect(br.rawPayload.length, `${path} ${lang} br`).toBeLessThanOrEqual(14 * 1024);
        expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toContain("</html>");
        const gz = await get(app, `${path}?lang=${lang}`, { encoding: "gzip" });
        expect(gz.headers["content-encoding"]).toBe("gzip");
        expect(gz.rawPayload.length, `${path} ${lang} gzip`).toBeLessThanOrEqual(14 * 1024);
        const plain = await get(app, `${path}?lang=${lang}`, { encoding: "identity" });
        expect(plain.headers["content-encoding"]).toBeUndefined();
      }
    }
  });

  it("the instructions give the steps, the rights and the reward schedule with its effective date", async () => {
    const r = await get(app, "/instructions");
    for (const step of CATALOGS.ru.instructions.steps) expect(r.body).toContain(step.title);
    expect(r.body).toContain("поднимите руки");
    expect(r.body).toContain("1 апреля 2022");
    expect(r.body).toContain("Танк, самоходная артиллерийская установка");
    expect(r.body).toMatch(/100\s000\s\$/);
    expect(r.body).toContain("@media print");
    const uk = await get(app, "/instructions?lang=uk");
    expect(uk.body).toContain("1 квітня 2022");
  });

  it("serves the proof-of-work script and answers the favicon with nothing", async () => {
    const js = await get(app, "/pow.js");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.body).toContain('new Worker("/pow-worker.js")');
    // The worker alone may compile WebAssembly (hash-wasm's Argon2, served from here, nowhere else).
    const worker = await get(app, "/pow-worker.js");
    expect(worker.headers["content-security-policy"]).toBe("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'");
    expect(worker.body).toContain('importScripts("/argon2.js")');
    const argon2 = await get(app, "/argon2.js");
    expect(argon2.statusCode).toBe(200);
    expect(argon2.body).toContain("argon2id");
    expect(argon2.body).not.toMatch(/https?:\/\/(?!www\.npmjs\.com)/); // no address to load anything from
    expect(js.headers["content-security-policy"]).not.toContain("wasm-unsafe-eval");
    const icon = await get(app, "/favicon.ico");
    expect(icon.statusCode).toBe(204);
  });

  it("answers a flood of page views with a 429 page in his language", async () => {
    const address = "10.200.0.1";
    let last = await get(app, "/?lang=uk", { address });
    for (let i = 0; i < 130 && last.statusCode !== 429; i++) last = await get(app, "/?lang=uk", { address });
    expect(last.statusCode).toBe(429);
    expect(last.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(last.body).toContain(CATALOGS.uk.problem.tooManyTitle);
    expect(last.headers["retry-after"]).toBeDefined();
    // Another client is not affected.
    expect((await get(app, "/")).statusCode).toBe(200);
  });
});
