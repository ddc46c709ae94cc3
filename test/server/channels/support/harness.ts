import fs from "node:fs";
import path from "node:path";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { staffedStore } from "../../../support/staffed.js";
import type { advancingClock, StaffClient } from "../../../support/staff.js";
import { blindIndexes } from "../../../../src/server/db/schema.js";
import { blindIndex, type BlindIndexKind } from "../../../../src/server/crypto/blind-index.js";
import { deliverDue } from "../../../../src/server/channels/outbox/worker.js";
import { channelOutbox } from "../../../../src/server/channels/tables.js";
import type { AppContext } from "../../../../src/server/context.js";
import type { BaseApp } from "../../../../src/server/http/base.js";
import type { Role } from "../../../../src/shared/roles.js";
import { RecordingApi } from "./recorder.js";

/** Test credentials. Canaries: the log grep (scripts/check-logs.ts) fails the run if one reaches a log line. */
export const BOT_TOKEN = "6000000001:CANARY-TOKEN0001abcdefghijklm";
export const WEBHOOK_SECRET = "CANARY-SECRET0001-webhook";
export const WA_APP_SECRET = "CANARY-WAAPPSECRET01-x";
export const WA_VERIFY_TOKEN = "CANARY-WAVERIFY0001-xy";
export const WA_ACCESS_TOKEN = "CANARY-WAACCESS0001-xyz";

/** Shortly after the dates of the recorded updates (and of the WhatsApp payloads in whatsapp.ts). */
export const RECORDED_AT = new Date("2023-08-23T17:00:00Z");

/** The recorded updates, resolved from the repository root as every developer and CI has them. */
export const TELEGRAM_DATA = path.resolve(process.cwd(), "test/fixtures/telegram");
export const recordedFiles = () =>
  fs
    .readdirSync(TELEGRAM_DATA)
    .filter((f) => f.endsWith(".json"))
    .sort();
export const readRecorded = (file: string) => fs.readFileSync(path.join(TELEGRAM_DATA, file), "utf8");
/** A recorded update as if it were sent at `at` (for a server on the real clock, which refuses old updates). */
export function recordedAt(file: string, at: Date): string {
  const u = JSON.parse(readRecorded(file)) as Record<string, { date?: number; message?: { date?: number } } | undefined>;
  const secs = Math.floor(at.getTime() / 1000);
  for (const k of ["message", "edited_message"]) if (u[k]) u[k].date = secs;
  if (u.callback_query?.message) u.callback_query.message.date = secs;
  return JSON.stringify(u);
}

let tick = 0;
/** A fresh update for a new private chat, built like the recorded ones (dated as they are, or at `at`). */
export function update(fromId: number, extra: Record<string, unknown>, kind: "message" | "callback_query" = "message", at?: Date) {
  const from = { id: fromId, is_bot: false, first_name: "Тест", language_code: "ru" };
  const chat = { id: fromId, first_name: "Тест", type: "private" };
  const date = (secs: number) => (at ? Math.floor(at.getTime() / 1000) : secs);
  tick++;
  if (kind === "callback_query") return { update_id: 900000000 + tick, callback_query: { id: `cb${tick}`, from, message: { message_id: tick, chat, date: date(1692806700) }, chat_instance: "1", ...extra } };
  return { update_id: 900000000 + tick, message: { message_id: tick, from, chat, date: date(1692806400), ...extra } };
}

export interface Harness<S extends string = never> {
  ctx: AppContext;
  pub: BaseApp;
  staff: BaseApp;
  api: RecordingApi;
  op: StaffClient;
  admin: StaffClient;
  /** The staff a test asked for besides the operator. */
  people: Record<S, StaffClient>;
  clock: ReturnType<typeof advancingClock>;
  cleanup: () => Promise<void>;
}

/** Both channels configured, their APIs answered by the recording API at `apiUrl`. */
export const channelEnv = (apiUrl: string) => ({
  TELEGRAM_BOT_TOKEN: BOT_TOKEN,
  TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
  TELEGRAM_API_BASE: apiUrl,
  WHATSAPP_APP_SECRET: WA_APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: WA_VERIFY_TOKEN,
  WHATSAPP_ACCESS_TOKEN: WA_ACCESS_TOKEN,
  WHATSAPP_API_BASE: apiUrl,
});

/** A store with an admin, an operator (and the staff asked for), both listeners' apps, and the recording API as Telegram and WhatsApp. */
export async function channelHarness<S extends string = never>(env: Record<string, string> = {}, people = {} as Record<S, Role>): Promise<Harness<S>> {
  const api = await new RecordingApi().start();
  // The recorded updates are dated 23 August 2023 and the server refuses updates older than its
  // replay window, so the harness lives on that day.
  const s = await staffedStore({
    env: { ...channelEnv(api.url), SESSION_IDLE_MINUTES: "1440", ...env },
    startAt: RECORDED_AT,
    publicApp: true,
    staff: { ...people, op1: "operator" } as Record<S | "op1", Role>,
  });
  // The admin, custodian of every team key, admits the waiting member on his next request.
  await s.admin.request("GET", "/api/auth/session");
  return {
    ctx: s.ctx,
    pub: s.publicApp!,
    staff: s.app,
    api,
    op: s.staff.op1,
    admin: s.admin,
    people: s.staff,
    clock: s.clock,
    cleanup: async () => {
      await s.close();
      await api.close();
    },
  };
}

export function postUpdate(h: Harness, body: string | object, secret: string | null = WEBHOOK_SECRET): Promise<LightMyRequestResponse> {
  return h.pub.inject({
    method: "POST",
    url: "/channels/telegram",
    headers: { "content-type": "application/json", ...(secret !== null ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Run the outbox until nothing is left to do, moving the clock to each row that waits for a retry. */
export async function drain(h: Harness, rounds = 100): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if ((await deliverDue(h.ctx)) > 0) continue;
    const [next] = await h.ctx.db
      .select({ at: channelOutbox.nextAttemptAt })
      .from(channelOutbox)
      .where(and(inArray(channelOutbox.state, ["queued", "retrying", "sending"]), gt(channelOutbox.nextAttemptAt, h.clock.now())))
      .orderBy(asc(channelOutbox.nextAttemptAt))
      .limit(1);
    if (!next) break; // nothing waits for a time: done, or stuck (reported below)
    h.clock.tick(next.at.getTime() - h.clock.now().getTime() + 1);
  }
  const left = await h.ctx.db.select({ state: channelOutbox.state, at: channelOutbox.nextAttemptAt, attempts: channelOutbox.attempts, code: channelOutbox.lastErrorCode }).from(channelOutbox).where(inArray(channelOutbox.state, ["queued", "retrying", "sending"]));
  if (left.length === 0) return;
  throw new Error(`outbox did not drain: ${JSON.stringify(left)} at ${h.clock.now().toISOString()}`);
}

/** The case an identity was indexed under (blind index lookup, as the server does). */
export async function caseIdOf(h: Harness, kind: BlindIndexKind, value: string): Promise<string[]> {
  const v = blindIndex(h.ctx.keys.subkey("index"), kind, value)!;
  const rows = await h.ctx.db.select({ caseId: blindIndexes.caseId }).from(blindIndexes).where(eq(blindIndexes.value, v));
  return [...new Set(rows.map((r) => r.caseId))];
}

export interface ThreadMessage {
  id: string;
  caseId: string;
  direction: string;
  channel: string;
  body: string;
  deliveryState: string | null;
  replacesId: string | null;
}

/** A case as the operator sees it in the console (decrypted by the staff API). */
export async function openAsOperator(h: Harness, caseId: string): Promise<{ messages: ThreadMessage[]; sections: Record<string, Record<string, unknown>>; channel: string }> {
  const r = await h.op.request("GET", `/api/cases/${caseId}`);
  if (r.statusCode !== 200) throw new Error(`open case: ${r.statusCode} ${r.body}`);
  return r.json();
}
