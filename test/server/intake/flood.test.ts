import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import type { AppContext } from "../../../src/server/context.js";
import type { BaseApp } from "../../../src/server/http/base.js";
import { CATALOGS } from "../../../src/server/intake/i18n.js";
import { FloodGuard } from "../../../src/server/intake/flood.js";
import { leadingZeroBits, powDigest, solveWork, verifyWork } from "../../../src/server/intake/pow.js";
import { issueFormToken, readFormToken, type FormToken } from "../../../src/server/intake/form-token.js";
import { TEST_POW_ENV, caseCount, get, post, solveToken, tokenOf, withEnv, wrongNonce } from "./helpers.js";

/** The form token of the page while it asks for work; null when it asks none. */
const challengeOf = (body: string) => {
  const token = tokenOf(body);
  return token && token.split(".")[1] !== "0" ? token : null;
};

describe("the flood switch (unit)", () => {
  const options = { mode: "auto" as const, minPerMinute: 60, factor: 5, baseBits: 16, maxBits: 22, maxInFlight: 2 };

  it("auto: off on an ordinary day, on above the threshold, harder as the flood grows, off after a quiet period", () => {
    let now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const g = new FloodGuard(options, () => now);
    for (let i = 0; i < 60; i++) g.record();
    expect(g.active()).toBe(false);
    expect(g.difficulty()).toBe(0);
    g.record();
    expect(g.active()).toBe(true);
    expect(g.difficulty()).toBe(16);
    for (let i = 0; i < 180; i++) g.record(); // 241 in the minute: 4× the threshold
    expect(g.difficulty()).toBe(18);
    for (let i = 0; i < 20_000; i++) g.record();
    expect(g.difficulty()).toBe(22); // capped
    now += 61_000; // the minute window has emptied, but the quiet period has not passed
    expect(g.ratePerMinute()).toBe(0);
    expect(g.active()).toBe(true);
    now += 10 * 60_000;
    expect(g.active()).toBe(false);
  });

  it("auto: the threshold follows the usual rate, but a long flood does not become the usual rate", () => {
    let now = Date.UTC(2025, 0, 1, 0, 0, 0);
    const g = new FloodGuard(options, () => now);
    // A busy day: 40 a minute for three hours (under the floor of 60, never a flood).
    for (let m = 0; m < 180; m++) {
      for (let i = 0; i < 40; i++) {
        g.record();
        now += 1000;
      }
      now += 20_000;
    }
    expect(g.active()).toBe(false);
    expect(g.threshold()).toBeGreaterThan(150); // 5 × ~40
    // A flood of 1,000 a minute for two hours: on throughout, and the threshold does not drift up.
    const before = g.threshold();
    for (let m = 0; m < 120; m++) {
      for (let i = 0; i < 1000; i++) g.record();
      expect(g.active()).toBe(true);
      now += 60_000;
    }
    expect(g.threshold()).toBeCloseTo(before, 5);
  });

  it("on and off are absolute; the in-flight bound holds in every mode", () => {
    const g = new FloodGuard({ ...options, mode: "off" });
    for (let i = 0; i < 10_000; i++) g.record();
    expect(g.active()).toBe(false);
    g.setMode("on");
    expect(g.active()).toBe(true);
    expect(g.difficulty()).toBeGreaterThanOrEqual(16);
    expect(g.tryEnter()).toBe(true);
    expect(g.tryEnter()).toBe(true);
    expect(g.tryEnter()).toBe(false);
    g.leave();
    expect(g.tryEnter()).toBe(true);
  });

  it("a solution costs the client ~2^bits Argon2id runs and the server one; forged, edited and easier ones fail", async () => {
    const key = Buffer.alloc(32, 7);
    const now = Date.now();
    const work = { bits: 5, memoryKiB: 64 };
    const token = issueFormToken(key, "request", work, now);
    const read = readFormToken(key, token, "request", now);
    if (!read.ok) throw new Error("token refused");
    const t: FormToken = read.value;
    const { nonce } = solveWork(token, t.id, work);
    expect(leadingZeroBits(await powDigest(token, t.id, nonce, 64))).toBeGreaterThanOrEqual(5);
    expect(await verifyWork(t, undefined, work)).toBe("missing");
    expect(await verifyWork(t, "x1", work)).toBe("invalid");
    expect(await verifyWork(t, nonce, { bits: 7, memoryKiB: 64 })).toBe("invalid"); // easier than now required
    expect(await verifyWork(t, nonce, { bits: 5, memoryKiB: 128 })).toBe("invalid"); // less memory than configured
    expect(await verifyWork(t, nonce, work)).toBe("ok");
    expect(readFormToken(Buffer.alloc(32, 8), token, "request", now).ok).toBe(false); // another server key
    expect(readFormToken(key, token.replace(/^q\.5\./, "q.1."), "request", now).ok).toBe(false); // difficulty edited
    expect(readFormToken(key, token, "return", now).ok).toBe(false); // another form's token
    const late = readFormToken(key, token, "request", now + 4 * 3600_000);
    expect(late.ok && late.expired).toBe(true);
    expect(leadingZeroBits(Buffer.from([0, 0, 0x10]))).toBe(19);
  });
});

describe("proof of work on the public site", () => {
  let ctx: AppContext;
  let app: BaseApp;
  let store: StaffedStore<never>;

  beforeAll(async () => {
    // The small work settings are read when the public app is built.
    const restore = withEnv(TEST_POW_ENV);
    try {
      store = await staffedStore({ publicApp: true });
    } finally {
      restore();
    }
    ({ ctx } = store);
    app = store.publicApp!;
  });
  afterAll(async () => store.close());

  it("with the switch off, no challenge and no script; a plain submit goes through", async () => {
    app.intakeFlood!.setMode("off");
    const form = await get(app, "/request");
    expect(challengeOf(form.body)).toBeNull();
    expect(form.body).not.toContain("/pow.js");
    expect(form.body).not.toContain("<noscript>");
    expect((await post(app, "/request", { message: "Обычный день" })).statusCode).toBe(201);
  });

  it("with the switch on, a submit without a valid solution is refused, keeping his text; with one it is accepted", async () => {
    app.intakeFlood!.setMode("on");
    const before = await caseCount(ctx);
    const form = await get(app, "/request");
    const challenge = challengeOf(form.body)!;
    expect(challenge).toMatch(/^q\.4\.64\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(form.body).toMatch(/<script nonce="[^"]+" src="\/pow.js" defer><\/script>/);
    expect(form.body).toContain(`<noscript><p class="box">${CATALOGS.ru.pow.noscript}</p></noscript>`);
    expect(form.body).toContain(`data-pow-working="${CATALOGS.ru.pow.working}"`);

    // No script in the browser: no solution.
    const noScript = await post(app, "/request", { name: "Без скриптов", message: "Текст не должен пропасть", form_token: challenge, pow_nonce: "" });
    expect(noScript.statusCode).toBe(400);
    expect(noScript.body).toContain(CATALOGS.ru.errors.pow);
    expect(noScript.body).toContain(">Текст не должен пропасть</textarea>");
    expect(noScript.body).toContain('value="Без скриптов"');
    expect(challengeOf(noScript.body)).not.toBe(challenge); // a fresh challenge for the next try
    // Without any field, with a wrong nonce, with a forged challenge.
    expect((await post(app, "/request", { message: "x" }, { token: false })).statusCode).toBe(400);
    expect((await post(app, "/request", { message: "x" })).statusCode).toBe(400); // a token, but no solution
    expect((await post(app, "/request", { message: "x", form_token: challenge, pow_nonce: wrongNonce(challenge) })).statusCode).toBe(400);
    const forged = issueFormToken(Buffer.alloc(32, 1), "request", { bits: 4, memoryKiB: 64 }, Date.now());
    expect((await post(app, "/request", { message: "x", form_token: forged, pow_nonce: solveToken(forged) })).statusCode).toBe(400);
    expect(await caseCount(ctx)).toBe(before);

    // What the browser script does.
    const nonce = solveToken(challenge);
    const ok = await post(app, "/request", { message: "С решением", form_token: challenge, pow_nonce: nonce });
    expect(ok.statusCode).toBe(201);
    expect(await caseCount(ctx)).toBe(before + 1);
    // A solution serves once.
    const replay = await post(app, "/request", { message: "Повтор", form_token: challenge, pow_nonce: nonce });
    expect(replay.statusCode).toBe(409); // the same form again: "already sent", no second case
    expect(await caseCount(ctx)).toBe(before + 1);
  });

  it("with the switch on, the code form asks for it too; a refusal keeps a pending message", async () => {
    app.intakeFlood!.setMode("on");
    const form = await get(app, "/return");
    const challenge = challengeOf(form.body)!;
    expect(challenge).toBeTruthy();
    const refused = await post(app, "/return", { code: "1234 5678 9012 3456", message: "Ждущее сообщение" }, { token: false });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain(CATALOGS.ru.errors.expired);
    const unsolved = await post(app, "/return", { code: "1234 5678 9012 3456", message: "Ждущее сообщение" });
    expect(unsolved.statusCode).toBe(400);
    expect(unsolved.body).toContain(CATALOGS.ru.errors.pow);
    expect(unsolved.body).toContain(">Ждущее сообщение</textarea>");
    expect(refused.body).toContain(">Ждущее сообщение</textarea>");
    const solved = await post(app, "/return", { code: "1234 5678 9012 3456", form_token: challenge, pow_nonce: solveToken(challenge) });
    expect(solved.statusCode).toBe(401); // past the proof of work, on to the (wrong) code
  });

  it("auto mode turns itself on under a flood of posts", async () => {
    app.intakeFlood!.setMode("auto");
    expect(challengeOf((await get(app, "/request")).body)).toBeNull();
    for (let i = 0; i < 61; i++) await post(app, "/request", "unit=%80"); // refused bodies count too
    const form = await get(app, "/request");
    expect(challengeOf(form.body)).not.toBeNull();
    expect((await post(app, "/request", { message: "Во время наплыва" })).statusCode).toBe(400);
    app.intakeFlood!.setMode("off");
  });
});
