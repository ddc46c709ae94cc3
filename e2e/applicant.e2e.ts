import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { Secret } from "otpauth";
import { startServerProcess, type ServerProcess } from "../test/support/server-process.js";
import { startFromTemplate } from "./support/server.js";
import { TEST_PASSWORD } from "../test/support/staff.js";
import { totpCodeAt } from "../src/server/auth/totp.js";
import ru from "../src/server/intake/i18n/ru.json" with { type: "json" };

/**
 * The applicant's path in a real browser with JavaScript switched off, against the real server
 * run from source: home page, the request form in Russian, the receipt code, leaving, coming back
 * with the code, reading the operator's reply (sent through the staff API) and answering it.
 */
const SCREENSHOTS = path.resolve("e2e/screenshots");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface Staff {
  cookie: string;
  csrf: string;
}

const cookieOf = (r: Response) => /sp_staff=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")![1]!;

async function staffCall(server: ServerProcess, method: "GET" | "POST", url: string, who: Staff | null, body?: unknown) {
  return fetch(`${server.staffUrl}${url}`, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(who ? { cookie: `sp_staff=${who.cookie}`, "x-csrf-token": who.csrf } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Accept a one-time link and enrol TOTP through the staff HTTP API. */
async function enrol(server: ServerProcess, token: string, username: string): Promise<Staff> {
  const accept = await staffCall(server, "POST", "/api/setup/accept", null, { token, username, displayName: username, password: TEST_PASSWORD });
  expect(accept.status).toBe(200);
  const half = { cookie: cookieOf(accept), csrf: ((await accept.json()) as { csrfToken: string }).csrfToken };
  const begin = (await (await staffCall(server, "POST", "/api/auth/totp/begin", half, {})).json()) as { secret: string };
  const confirm = await staffCall(server, "POST", "/api/auth/totp/confirm", half, { code: totpCodeAt(Buffer.from(Secret.fromBase32(begin.secret).bytes), new Date()) });
  expect(confirm.status).toBe(200);
  return { cookie: cookieOf(confirm), csrf: ((await confirm.json()) as { csrfToken: string }).csrfToken };
}

/** A label that starts with this text (labels carry "(optional)" after it; "Звание" is inside "название"). */
const startsWith = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);

async function shot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `applicant-${name}.png`), fullPage: true });
}

/** The real server from source on an empty embedded store, with the first administrator enrolled. */
async function startWithAdmin(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sp-e2e-applicant-"));
  startFromTemplate(dataDir);
  const server = await startServerProcess({ SAFE_PASSAGE_DATA: dataDir, SAFE_PASSAGE_ENV: "development", ...env });
  const admin = await enrol(server, /#token=([A-Za-z0-9_-]+)/.exec(server.stdout())![1]!, "admin");
  const stop = async () => {
    if (server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { server, admin, stop };
}

describe("the applicant's path, JavaScript off", () => {
  let server: ServerProcess;
  let stop: () => Promise<void>;
  let browser: Browser;
  let operator: Staff;

  beforeAll(async () => {
    let admin: Staff;
    ({ server, admin, stop } = await startWithAdmin({ INTAKE_FLOOD_MODE: "auto" }));
    const invitation = await staffCall(server, "POST", "/api/staff/invitations", admin, { role: "operator", username: "operator1" });
    expect(invitation.status).toBe(201);
    const link = ((await invitation.json()) as { link: string }).link;
    operator = await enrol(server, /#token=([A-Za-z0-9_-]+)/.exec(link)![1]!, "operator1");
    // The administrator, custodian of the team keys, seals the intake key to the operator on his next request.
    expect((await staffCall(server, "GET", "/api/auth/session", admin)).status).toBe(200);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });

  it("request in Russian, code, come back, read the reply, answer it", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "ru-RU", viewport: { width: 412, height: 900 } });
    const page = await context.newPage();
    const external: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(server.publicUrl)) external.push(r.url());
    });

    // Home page: what this is, the channels, no cookie.
    await page.goto(`${server.publicUrl}/`);
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe(ru.home.title);
    await expect(page.getByRole("link", { name: ru.nav.quickExit }).getAttribute("href")).resolves.toMatch(/^https:\/\//);
    expect(await context.cookies()).toEqual([]);
    await shot(page, "01-home");

    // The form, filled in Russian.
    await page.getByRole("link", { name: ru.nav.request }).first().click();
    await page.waitForURL(/\/request$/);
    await page.getByLabel(startsWith(ru.choices.who.group)).check();
    await page.getByLabel(startsWith(ru.form.groupSize)).fill("2");
    await page.getByLabel(startsWith(ru.form.name)).fill("Сидоров Алексей CANARY-E2EAPP01");
    await page.getByLabel(startsWith(ru.form.rank)).fill("младший сержант");
    await page.getByLabel(startsWith(ru.choices.deployed.yes)).check();
    await page.getByLabel(startsWith(ru.form.region)).selectOption("zaporizhzhia");
    await page.getByLabel(startsWith(ru.form.location)).fill("под Работино");
    await page.getByLabel(startsWith(ru.form.timing)).selectOption("week");
    await page.getByLabel(startsWith(ru.equipment.military_vehicle)).check();
    await page.getByLabel(startsWith(ru.choices.contact.site)).check();
    await page.getByLabel(startsWith(ru.form.message)).fill("Здравствуйте. Нас двое, хотим сдаться. Связь только через сайт.");
    await shot(page, "02-form");
    await page.getByRole("button", { name: ru.form.submit }).click();

    // The code, shown once; the session cookie only now.
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe(ru.done.title);
    const code = (await page.locator("#receipt-code").innerText()).trim();
    expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([["sp_applicant", true, "Strict", "/return"]]);
    await shot(page, "03-code");

    // He leaves: the cookie is gone.
    await page.getByRole("button", { name: ru.done.leave }).click();
    await expect(page.getByText(ru.thread.left).isVisible()).resolves.toBe(true);
    expect(await context.cookies()).toEqual([]);

    // He comes back with the code.
    await page.goto(`${server.publicUrl}/return`);
    await page.getByLabel(startsWith(ru.ret.code)).fill(code);
    await shot(page, "04-return");
    await page.getByRole("button", { name: ru.ret.submit }).click();
    await expect(page.getByRole("heading", { level: 1 }).innerText()).resolves.toBe(ru.thread.title);
    await expect(page.locator("#thread").innerText()).resolves.toContain("Нас двое, хотим сдаться");
    await expect(page.getByText(ru.thread.empty).isVisible()).resolves.toBe(true);

    // The operator finds the case in his inbox and replies through the staff API.
    type Summary = { id: string; channel: string };
    const listed = (await (await staffCall(server, "GET", "/api/cases", operator)).json()) as Summary[] | { items: Summary[] };
    const inbox = Array.isArray(listed) ? listed : listed.items;
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.channel).toBe("web");
    const caseId = inbox[0]!.id;
    const reply = await staffCall(server, "POST", `/api/cases/${caseId}/replies`, operator, { text: "Мы получили вашу заявку. Когда будете на месте, напишите сюда." });
    expect(reply.status, `the staff reply failed; the server said:\n${server.stdout().slice(-2000)}`).toBe(201);

    // He reloads, reads the reply and answers.
    await page.reload();
    await expect(page.locator("#thread").innerText()).resolves.toContain("Когда будете на месте, напишите сюда.");
    await shot(page, "05-thread");
    await page.getByLabel(startsWith(ru.thread.reply)).fill("Понял. Буду на месте через неделю.");
    await page.getByRole("button", { name: ru.thread.send, exact: true }).click();
    await expect(page.getByText(ru.thread.sent).isVisible()).resolves.toBe(true);
    await expect(page.locator("#thread").innerText()).resolves.toContain("Буду на месте через неделю.");
    await shot(page, "06-answered");

    // The operator sees the answer, in order.
    const opened = (await (await staffCall(server, "GET", `/api/cases/${caseId}`, operator)).json()) as { messages: { direction: string; body: string }[]; sections: { identity: { name: string } } };
    expect(opened.messages.map((m) => [m.direction, m.body])).toEqual([
      ["in", "Здравствуйте. Нас двое, хотим сдаться. Связь только через сайт."],
      ["out", "Мы получили вашу заявку. Когда будете на месте, напишите сюда."],
      ["in", "Понял. Буду на месте через неделю."],
    ]);
    expect(opened.sections.identity.name).toBe("Сидоров Алексей CANARY-E2EAPP01");

    // Nothing was fetched from anywhere else, and no script ran or was needed.
    expect(external).toEqual([]);
    await context.close();
  });
});

describe("during a flood (switch on)", () => {
  let server: ServerProcess;
  let stop: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    // The real Argon2id memory (16 MiB) through the real worker, CSP and hash-wasm build; fewer bits
    // than the default so that this loaded test machine solves it in seconds (the benchmark
    // measures the default: bench/pow.bench.ts).
    ({ server, stop } = await startWithAdmin({ INTAKE_FLOOD_MODE: "on", INTAKE_POW_BASE_BITS: "5" }));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });

  it("with JavaScript, the browser solves the proof of work by itself and the request goes through", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true, locale: "ru-RU", viewport: { width: 412, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    const started = performance.now();
    await page.goto(`${server.publicUrl}/request`);
    // (Playwright's text search skips <noscript>, so look at the element itself.)
    await expect(page.locator("noscript p").isVisible()).resolves.toBe(false);
    await page.getByText(ru.pow.ready).waitFor({ timeout: 90_000 });
    console.log(`proof of work solved in Chromium in ${((performance.now() - started) / 1000).toFixed(1)} s (16 MiB, 5 bits)`);
    await page.getByLabel(startsWith(ru.form.message)).fill("Пишу во время наплыва, скрипты включены.");
    await page.getByRole("button", { name: ru.form.submit }).click();
    await page.getByRole("heading", { name: ru.done.title }).waitFor({ timeout: 60_000 });
    expect((await page.locator("#receipt-code").innerText()).trim()).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    await shot(page, "07-flood-with-js");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("without JavaScript, the page says why and what else to do, and a submit gives his text back", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: "ru-RU", viewport: { width: 412, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.publicUrl}/request`);
    await expect(page.locator("noscript p").isVisible()).resolves.toBe(true);
    await expect(page.locator("noscript p").innerText()).resolves.toBe(ru.pow.noscript);
    await page.getByLabel(startsWith(ru.form.message)).fill("Пишу во время наплыва без скриптов.");
    await page.getByRole("button", { name: ru.form.submit }).click();
    await expect(page.getByText(ru.errors.pow).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel(startsWith(ru.form.message)).inputValue()).resolves.toBe("Пишу во время наплыва без скриптов.");
    await shot(page, "08-flood-without-js");
    await context.close();
  });
});
