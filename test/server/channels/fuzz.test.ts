import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LightMyRequestResponse } from "fastify";
import { channelHarness, readRecorded, recordedFiles, WEBHOOK_SECRET, type Harness } from "./support/harness.js";
import { brokenBytes, deepNesting, int, mutate, pick, randomString, randomValue, seeded, type Rng } from "./support/fuzz.js";
import { sign, waPayload } from "./support/whatsapp.js";
import { count, eq } from "drizzle-orm";
import { deliverDue } from "../../../src/server/channels/outbox/worker.js";
import { channelUpdates } from "../../../src/server/channels/tables.js";

/**
 * At least 10,000 random and mutated inputs per webhook through the real routes: no answer is a
 * 5xx, nothing crashes, and the server still answers afterwards. Batches run in parallel so the
 * store sees concurrent transactions too. Seeds are fixed, so a failure replays.
 */
const N = 10_000;
const BATCH = 64;
const ALLOWED = new Set([200, 400, 401, 413, 415]);

let h: Harness;
beforeAll(async () => {
  h = await channelHarness();
});
afterAll(async () => {
  await h.cleanup();
});

type Input = { body: string | Buffer; headers: Record<string, string> };

async function run(count: number, make: (i: number) => Input, url: string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let start = 0; start < count; start += BATCH) {
    const batch: Promise<LightMyRequestResponse>[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const input = make(i);
      batch.push(h.pub.inject({ method: "POST", url, headers: input.headers, payload: input.body }));
    }
    for (const r of await Promise.all(batch)) {
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      if (!ALLOWED.has(r.statusCode)) throw new Error(`status ${r.statusCode}: ${r.body.slice(0, 300)}`);
    }
  }
  return statuses;
}

function telegramInput(rng: Rng, seeds: Record<string, unknown>[]): Input {
  const headers: Record<string, string> = { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET };
  const base = structuredClone(pick(rng, seeds));
  // Keep identities and update ids in small pools: some updates repeat, some chats are known.
  if (typeof base.update_id === "number") base.update_id = 600_000_000 + int(rng, 4000);
  const r = rng();
  if (r < 0.04) return { body: JSON.stringify(base), headers: { ...headers, "x-telegram-bot-api-secret-token": pick(rng, ["", "x", WEBHOOK_SECRET.slice(1), randomString(rng, 300)]) } };
  if (r < 0.06) return { body: JSON.stringify(base), headers: { "content-type": "application/json" } };
  if (r < 0.12) return { body: brokenBytes(rng, JSON.stringify(base)), headers };
  if (r < 0.14) return { body: JSON.stringify(randomValue(rng)), headers };
  if (r < 0.15) return { body: JSON.stringify({ ...base, message: { text: "x".repeat(300_000) } }), headers };
  if (r < 0.16) return { body: deepNesting(5_000 + int(rng, 50_000)), headers };
  if (r < 0.17) return { body: JSON.stringify(base), headers: { ...headers, "content-type": pick(rng, ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) } };
  return { body: JSON.stringify(r < 0.35 ? base : mutate(rng, base)), headers };
}

function whatsappInput(rng: Rng, seeds: Record<string, unknown>[]): Input {
  const base = mutateIds(rng, structuredClone(pick(rng, seeds)));
  const r = rng();
  let raw: Buffer;
  if (r < 0.06) raw = brokenBytes(rng, JSON.stringify(base));
  else if (r < 0.08) raw = Buffer.from(JSON.stringify(randomValue(rng)));
  else if (r < 0.09) raw = Buffer.from(deepNesting(5_000 + int(rng, 50_000)));
  else if (r < 0.1) raw = Buffer.from(JSON.stringify({ ...base, pad: "x".repeat(300_000) }));
  else raw = Buffer.from(JSON.stringify(r < 0.25 ? base : mutate(rng, base)));
  const s = rng();
  const signature = s < 0.05 ? pick(rng, ["", "sha256=", sign(raw, "wrong-secret-value"), randomString(rng, 100)]) : sign(raw);
  return { body: raw, headers: { "content-type": "application/json", ...(s < 0.07 && s >= 0.05 ? {} : { "x-hub-signature-256": signature }) } };
}

function mutateIds(rng: Rng, p: Record<string, unknown>) {
  const m = (((p.entry as { changes: { value: { messages?: Record<string, unknown>[] } }[] }[])[0]!.changes[0]!.value.messages ?? [])[0] ?? {}) as Record<string, unknown>;
  m.id = `wamid.fuzz${int(rng, 4000)}`;
  m.from = `7999${String(int(rng, 40)).padStart(7, "0")}`;
  return p;
}

describe("fuzzing the webhooks", () => {
  it(`Telegram: ${N} random and mutated updates (seed 7229), no 5xx`, { timeout: 600_000 }, async () => {
    const spread = seeded(1);
    const seeds = recordedFiles()
      .map((f) => JSON.parse(readRecorded(f)) as Record<string, unknown>)
      .flatMap((u) =>
        // Each recorded update as sent by a few dozen different people, as a real bot sees them.
        Array.from({ length: 8 }, () => {
          const person = String(700300000 + int(spread, 40));
          return JSON.parse(JSON.stringify(u).replace(/700100[0-9]00/g, person)) as Record<string, unknown>;
        }),
      );
    const rng = seeded(7229);
    const statuses = await run(N, () => telegramInput(rng, seeds), "/channels/telegram");
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(N / 2);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    // Many of them went all the way through: cases opened, messages stored, replies queued.
    expect(await processed("telegram")).toBeGreaterThan(1000);
    expect((await h.pub.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    // The outbox copes with whatever the fuzzed updates queued.
    await deliverDue(h.ctx, { limit: 200 });
  });

  it(`WhatsApp: ${N} random and mutated payloads (seed 380), no 5xx`, { timeout: 600_000 }, async () => {
    const rng = seeded(380);
    const seeds = [
      waPayload("79990000001", { id: "wamid.x", type: "text", text: { body: "привет" } }),
      waPayload("79990000002", { id: "wamid.y", type: "location", location: { latitude: 47.1, longitude: 35.2 } }),
      waPayload("79990000003", { id: "wamid.z", type: "image", image: { id: "123", mime_type: "image/jpeg", caption: "фото" } }),
      waPayload("79990000004", { id: "wamid.w", type: "document", document: { id: "456", mime_type: "application/pdf", filename: "a.pdf" } }),
      { object: "whatsapp_business_account", entry: [{ id: "1", changes: [{ field: "messages", value: { metadata: { phone_number_id: "1" }, statuses: [{ id: "wamid.s", status: "delivered" }] } }] }] },
    ] as Record<string, unknown>[];
    const statuses = await run(N, () => whatsappInput(rng, seeds), "/channels/whatsapp");
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(N / 2);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(await processed("whatsapp")).toBeGreaterThan(1000);
    expect((await h.pub.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await deliverDue(h.ctx, { limit: 200 });
  });
});

const processed = async (channel: string) => (await h.ctx.db.select({ n: count() }).from(channelUpdates).where(eq(channelUpdates.channel, channel)))[0]!.n;
