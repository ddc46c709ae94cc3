import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { onPostgres } from "../support/store.js";
import { staffedStore, type StaffedStore } from "../support/staffed.js";
import { TEST_USER_AGENT, type StaffClient } from "../support/staff.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { RecordingApi } from "./channels/support/recorder.js";
import { channelEnv, WEBHOOK_SECRET } from "./channels/support/harness.js";
import { rowsOf } from "../../src/server/db/index.js";

/**
 * Two real `safe-passage serve` processes on one PostgreSQL database and one key file, as behind
 * a load balancer: a session works on both, a change made through one reaches a console listening
 * on the other, every outbox reply leaves once, scheduled jobs run once, and neither takes the
 * embedded store's data-directory lock. PostgreSQL only: the embedded store is one process by
 * design (its lock refuses a second one, which serve.test.ts and the dir-lock tests show).
 */
describe.skipIf(!onPostgres())("two instances on one PostgreSQL", () => {
  let s: StaffedStore<"op1">;
  let api: RecordingApi;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    api = await new RecordingApi().start();
    // The staff are set up in this process (a third instance, on the real clock), then both
    // servers start on the same database and data directory (key file).
    s = await staffedStore({ staff: { op1: "operator" }, env: { ...channelEnv(api.url), SESSION_IDLE_MINUTES: "1440" } });
    await s.admin.request("GET", "/api/auth/session"); // the custodian admits the operator
    const env = {
      DATABASE_URL: s.ctx.config.databaseUrl!,
      SAFE_PASSAGE_DATA: s.dataDir,
      SAFE_PASSAGE_ENV: "test",
      SESSION_IDLE_MINUTES: "1440",
      CHANNEL_POLL_MS: "100",
      ...channelEnv(api.url),
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    for (const p of [a, b]) {
      if (p && p.child.exitCode === null) {
        p.child.kill("SIGTERM");
        await p.exited;
      }
    }
    await api?.close();
    await s?.close();
  });

  const call = (base: string, who: StaffClient, method: string, url: string, body?: unknown) =>
    fetch(`${base}${url}`, {
      method,
      headers: { cookie: `sp_staff=${who.cookie}`, "x-csrf-token": who.csrf, "user-agent": TEST_USER_AGENT, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const telegram = (base: string, chatId: number, updateId: number, text: string) =>
    fetch(`${base}/channels/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
      body: JSON.stringify({
        update_id: updateId,
        message: { message_id: updateId % 100_000, from: { id: chatId, is_bot: false, first_name: "Иван", language_code: "ru" }, chat: { id: chatId, first_name: "Иван", type: "private" }, date: Math.floor(Date.now() / 1000), text },
      }),
    });

  it("both run without the embedded store's lock, and a session opened elsewhere works on each", async () => {
    for (const p of [a, b]) {
      const r = await call(p.staffUrl, s.staff.op1, "GET", "/api/auth/session");
      expect(r.status).toBe(200);
      expect(((await r.json()) as { user: { id: string } }).user.id).toBe(s.staff.op1.userId);
    }
    // Signing out through A ends the session on B as well: it lives in the database, not in a process.
    const extra = await staffedLogout();
    expect(extra).toEqual([204, 401]);
  });

  /** The admin signs out on A, then tries the same cookie on B. */
  async function staffedLogout(): Promise<number[]> {
    const out = await call(a.staffUrl, s.admin, "POST", "/api/auth/logout");
    const after = await call(b.staffUrl, s.admin, "GET", "/api/auth/session");
    return [out.status, after.status];
  }

  it("a case opened through A reaches a live console on B", async () => {
    const stream = await call(b.staffUrl, s.staff.op1, "GET", "/api/events");
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let seen = "";
    const got = (async () => {
      const dec = new TextDecoder();
      while (!/event: case\.created/.test(seen)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += dec.decode(value);
      }
    })();
    // Give B's LISTEN a moment to be in place before the change (the stream answers first).
    await new Promise((r) => setTimeout(r, 300));
    expect((await telegram(a.publicUrl, 700_900_001, 610_000_001, "Здравствуйте. Хочу сдаться.")).status).toBe(200);
    await Promise.race([got, new Promise((_, rej) => setTimeout(() => rej(new Error(`no event on B; saw: ${seen}`)), 10_000))]);
    await reader.cancel();
    expect(seen).toMatch(/event: case\.created\ndata: \{"type":"case\.created","caseId":"[0-9a-f-]{36}"\}/);
  });

  it("each outbox reply leaves once while both instances deliver", async () => {
    const before = api.telegram("sendMessage").length;
    // Twenty applicants write, alternately through A and B; each gets the bot's answers.
    const chats = Array.from({ length: 20 }, (_, i) => 700_800_000 + i);
    await Promise.all(chats.map((chat, i) => telegram(i % 2 ? b.publicUrl : a.publicUrl, chat, 620_000_000 + i, "Хочу сдаться, помогите")));
    // Then the operator answers each case, alternately through A and B.
    const cases = await rowsOf<{ id: string }>(s.ctx.db, sql`SELECT id FROM cases WHERE channel = 'telegram' ORDER BY created_at`);
    expect(cases.length).toBe(21);
    const replies = await Promise.all(cases.map((c, i) => call(i % 2 ? b.staffUrl : a.staffUrl, s.staff.op1, "POST", `/api/cases/${c.id}/replies`, { text: `Ответ оператора ${i}` })));
    expect(replies.map((r) => r.status)).toEqual(cases.map(() => 201));
    await api.waitFor(() => api.telegram("sendMessage").filter((c) => /^Ответ оператора/.test(String(c.body?.text))).length >= cases.length, 20_000);
    await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate that must not come
    const sent = api.telegram("sendMessage").slice(before).map((c) => `${String(c.body?.chat_id)}|${String(c.body?.text)}`);
    const operatorReplies = sent.filter((x) => x.includes("|Ответ оператора"));
    expect(operatorReplies.length).toBe(cases.length);
    expect(new Set(sent).size).toBe(sent.length); // nothing sent twice, bot answers included
    const states = await rowsOf<{ state: string; n: number }>(s.ctx.db, sql`SELECT state, count(*)::int AS n FROM channel_outbox GROUP BY state`);
    expect(states).toEqual([{ state: "sent", n: states.reduce((t, r) => t + r.n, 0) }]);
  });

  it("a scheduled job runs once across the instances", async () => {
    // Both instances registered the same schedule; pg-boss keeps one row per job name.
    const schedules = await rowsOf<{ name: string }>(s.ctx.db, sql`SELECT name FROM pgboss.schedule ORDER BY name`);
    expect(schedules.map((r) => r.name)).toEqual([...new Set(schedules.map((r) => r.name))]);
    expect(schedules.length).toBeGreaterThan(0);
    // Ten runs asked for at once: each is taken by one worker of one instance and completes once.
    const queue = schedules[0]!.name;
    const batch = `two-instances-${Date.now()}`;
    await s.ctx.db.execute(sql`INSERT INTO pgboss.job (name, data) SELECT ${queue}, jsonb_build_object('n', g, 'batch', ${batch}::text) FROM generate_series(1, 10) g`);
    const deadline = Date.now() + 20_000;
    let done: { state: string; retry_count: number }[] = [];
    while (Date.now() < deadline) {
      done = await rowsOf(s.ctx.db, sql`SELECT state, retry_count FROM pgboss.job WHERE data->>'batch' = ${batch}`);
      if (done.length === 10 && done.every((j) => j.state === "completed")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(done.map((j) => [j.state, j.retry_count])).toEqual(Array.from({ length: 10 }, () => ["completed", 0]));
  });
});
