import fs from "node:fs";
import { createRequire } from "node:module";
import sodium from "sodium-native";
import { chromium } from "playwright-core";
import { loadIntakeSettings } from "../src/server/intake/settings.js";
import { issueFormToken, readFormToken } from "../src/server/intake/form-token.js";
import { POW_ITERATIONS, verifyWork } from "../src/server/intake/pow.js";
import { deriveApplicantKeyPair, generateApplicantSalt, generateReceiptCode, hashReceiptCode } from "../src/server/crypto/receipt.js";
import { wipe } from "../src/server/crypto/secure.js";
import type { BenchRow } from "./table.js";

/**
 * What the proof of work costs, with the defaults (INTAKE_POW_*), at the level where the flood
 * switch turns on (the base bits):
 * - the server, for one accepted fake request: checking the solution (one Argon2id run) plus the
 *   request's own Argon2 work (receipt hash and applicant key derivation);
 * - a native attacker: 2^bits Argon2id runs on average (measured per run, libsodium, one core);
 * - the ratio of the two, which must be at least 10;
 * - a browser: hash-wasm's Argon2 (the script the site serves) in Debian's Chromium, headless,
 *   per run on one worker, and the expected solve time; and an estimate for a mid-range phone.
 */
const REFERENCE_SERVER_MS = 80; // one 64 MiB, t=3 Argon2id run on a current server core (kdf.ts)
const PHONE_VS_REFERENCE = 4; // Lighthouse's mobile preset: a mid-tier phone is ~4x slower than a desktop core
const PHONE_WORKERS = 3; // pow-script.ts starts up to 4 workers; big.LITTLE cores give ~3 in effect

async function meanMs(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

async function wasmRunMs(memoryKiB: number, runs: number, cpuThrottle = 1): Promise<number | null> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) return null;
  const browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    if (cpuThrottle > 1) {
      // DevTools' CPU throttling, as Lighthouse uses it for its mobile preset.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuThrottle });
    }
    await page.setContent("<!doctype html><title>pow</title>");
    await page.addScriptTag({ content: fs.readFileSync(createRequire(import.meta.url).resolve("hash-wasm/dist/argon2.umd.min.js"), "utf8") });
    // A string, not a function: the bench runs under tsx, whose helpers do not exist in the page.
    const script = `(async () => {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const run = (n) => hashwasm.argon2id({ password: "bench:" + n, salt, parallelism: 1, iterations: ${POW_ITERATIONS}, memorySize: ${memoryKiB}, hashLength: 32, outputType: "binary" });
      await run(-1);
      const t0 = performance.now();
      for (let i = 0; i < ${runs}; i++) await run(i);
      return (performance.now() - t0) / ${runs};
    })()`;
    return Number(await page.evaluate(script));
  } finally {
    await browser.close();
  }
}

export async function benchPow(): Promise<BenchRow[]> {
  const s = loadIntakeSettings({});
  const work = { bits: s.powBaseBits, memoryKiB: s.powMemoryKiB };
  const expected = 2 ** work.bits;
  const label = `${work.memoryKiB / 1024} MiB, t=${POW_ITERATIONS}, p=1, ${work.bits} bits`;

  // Native, one core: the attacker's price per Argon2 run.
  const out = Buffer.alloc(32);
  const salt = Buffer.alloc(16, 9);
  let n = 0;
  const nativeMs = await meanMs(20, () => sodium.crypto_pwhash(out, Buffer.from(`bench:${n++}`), salt, POW_ITERATIONS, work.memoryKiB * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13));
  // The server's price for one accepted fake request.
  const key = Buffer.alloc(32, 5);
  const token = issueFormToken(key, "request", work, Date.now());
  const read = readFormToken(key, token, "request", Date.now());
  if (!read.ok) throw new Error("bench token refused");
  const verifyMs = await meanMs(10, () => verifyWork(read.value, "12345", work));
  const code = generateReceiptCode();
  const appSalt = generateApplicantSalt();
  const hashMs = await meanMs(4, () => hashReceiptCode(code));
  const deriveMs = await meanMs(4, async () => wipe((await deriveApplicantKeyPair(code, appSalt)).privateKey));
  const serverMs = verifyMs + hashMs + deriveMs;
  // This core against the reference server core (kdf.ts: ~80 ms for one 64 MiB, t=3 run).
  const refMs = await meanMs(3, () => sodium.crypto_pwhash(out, Buffer.from(`ref:${n++}`), salt, 3, 64 * 1024 * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13));
  const attackerMs = expected * nativeMs;
  const ratio = attackerMs / serverMs;

  const rows: BenchRow[] = [
    { section: "pow", name: `server: check one solution (one Argon2id, ${label})`, value: verifyMs, unit: "ms" },
    { section: "pow", name: "server: one accepted request, all its Argon2 work", value: serverMs, unit: "ms", note: `check ${verifyMs.toFixed(0)} + receipt hash ${hashMs.toFixed(0)} + applicant key ${deriveMs.toFixed(0)} ms` },
    { section: "pow", name: "native attacker: one Argon2id run, libsodium, one core", value: nativeMs, unit: "ms" },
    {
      section: "pow",
      name: `native attacker: one accepted request (2^${work.bits} runs on average)`,
      value: attackerMs,
      unit: "ms",
      ratio: `${ratio.toFixed(1)}× the server's cost`,
      note: ratio >= 10 ? "at least 10×: met" : "BELOW the 10× target",
    },
  ];

  const wasmMs = await wasmRunMs(work.memoryKiB, 10);
  if (wasmMs === null) {
    rows.push({ section: "pow", name: "browser (wasm): not measured", value: 0, unit: "", note: "no Chromium at /usr/bin/chromium" });
    return rows;
  }
  // How much slower this machine's core is than the reference server core (kdf.ts: ~80 ms for 64 MiB, t=3).
  const coreFactor = refMs / REFERENCE_SERVER_MS;
  const phoneSolveMs = (expected * wasmMs * (PHONE_VS_REFERENCE / coreFactor)) / PHONE_WORKERS;
  rows.push(
    { section: "pow", name: "Chromium (hash-wasm), one Argon2id run, one worker", value: wasmMs, unit: "ms", ratio: `${(wasmMs / nativeMs).toFixed(1)}× native` },
    { section: "pow", name: "Chromium (hash-wasm), expected solve, one worker, this machine", value: expected * wasmMs, unit: "ms", note: `2^${work.bits} × ${wasmMs.toFixed(0)} ms; with n workers ÷ n` },
    {
      section: "pow",
      name: "mid-range phone, expected solve (estimate)",
      value: phoneSolveMs,
      unit: "ms",
      note: `wasm per run × ${(PHONE_VS_REFERENCE / coreFactor).toFixed(2)} (phone = ${PHONE_VS_REFERENCE}× a ${REFERENCE_SERVER_MS} ms-reference core; this core = ${coreFactor.toFixed(2)}×) ÷ ${PHONE_WORKERS} workers; 1 in 20 solves takes 3× longer`,
    },
  );
  const throttled = await wasmRunMs(work.memoryKiB, 4, PHONE_VS_REFERENCE);
  if (throttled !== null) {
    rows.push({
      section: "pow",
      name: `Chromium with CPU throttled ${PHONE_VS_REFERENCE}× (DevTools), expected solve, ${PHONE_WORKERS} workers`,
      value: (expected * throttled) / PHONE_WORKERS,
      unit: "ms",
      note: `${throttled.toFixed(0)} ms a run: this machine's core slowed as for a phone (an upper bound: this core is already ${coreFactor.toFixed(2)}× the reference)`,
    });
  }
  return rows;
}
