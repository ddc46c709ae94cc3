import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freshContext } from "../../support/store.js";
import { createBaseApp, type BaseApp } from "../../../src/server/http/base.js";
import { applyStaffFirst, StaffFirst, staffFirstFor } from "../../../src/server/http/staff-first.js";
import { buildPublicApp, buildStaffApp } from "../../../src/server/app.js";
import { Slots } from "../../../src/server/crypto/slots.js";
import type { AppContext } from "../../../src/server/context.js";

/**
 * Issue 16: in an intake flood the applicant side's handlers filled the one thread, and an
 * operator's request waited behind them. While staff requests run, the applicant side runs one
 * request at a time; the rest wait, in order, or are told "busy" past the queue's bound. Shown
 * with real listeners over real HTTP, by who is inside a handler when, never by time.
 */
let ctx: AppContext;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
}, 120_000);
afterAll(async () => cleanup?.());

/** A gate that opens when told: handlers hold on it so the test sees who is inside. */
function gates() {
  const open = new Map<string, () => void>();
  const inside: string[] = [];
  return {
    inside,
    hold: (name: string) => {
      inside.push(name);
      return new Promise<void>((resolve) => open.set(name, resolve));
    },
    release: (name: string) => open.get(name)!(),
  };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe("staff first", () => {
  const apps: BaseApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  /** Both listeners around one StaffFirst, with handlers that hold on the test's gates. */
  async function listeners(maxWaiting = 8) {
    const g = gates();
    const first = new StaffFirst({ whileStaffBusy: 1, otherwise: 8, maxWaiting, graceMs: 20 });
    const staff = await createBaseApp({ log: ctx.log, db: ctx.db });
    applyStaffFirst(staff, first, "staff");
    staff.get("/work/:name", async (req) => {
      await g.hold(`staff ${(req.params as { name: string }).name}`);
      return { ok: true };
    });
    const pub = await createBaseApp({ log: ctx.log, db: ctx.db, publicLane: true });
    applyStaffFirst(pub, first, "public");
    pub.get("/page/:name", async (req) => {
      await g.hold(`applicant ${(req.params as { name: string }).name}`);
      return { ok: true };
    });
    apps.push(staff, pub);
    const staffUrl = await staff.listen({ host: "127.0.0.1", port: 0 });
    const pubUrl = await pub.listen({ host: "127.0.0.1", port: 0 });
    /** An operator's request, held inside its handler until released. */
    const operatorBusy = async (name: string) => {
      const answer = fetch(`${staffUrl}/work/${name}`);
      await until(() => g.inside.includes(`staff ${name}`));
      return { answer }; // wrapped: an async function would wait for the answer itself
    };
    return { g, first, pubUrl, operatorBusy };
  }

  it("lets applicants run side by side while no staff request runs", async () => {
    const { g, pubUrl } = await listeners();
    const answers = ["a", "b", "c"].map((n) => fetch(`${pubUrl}/page/${n}`));
    await until(() => g.inside.length === 3);
    for (const n of ["a", "b", "c"]) g.release(`applicant ${n}`);
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("runs one applicant at a time while an operator's request runs, in the order they came, and all again once staff are quiet", async () => {
    const { g, first, pubUrl, operatorBusy } = await listeners();
    const { answer: op } = await operatorBusy("search");
    const answers = ["a", "b", "c"].map((n) => fetch(`${pubUrl}/page/${n}`));
    await until(() => first.load().waiting === 2);
    expect(g.inside).toEqual(["staff search", "applicant a"]); // a lone applicant is never held back
    g.release("applicant a");
    await until(() => g.inside.length === 3);
    expect(g.inside[2]).toBe("applicant b");
    expect(first.load()).toMatchObject({ running: 1, waiting: 1, limit: 1, staffInFlight: 1 });
    g.release("staff search");
    expect((await op).status).toBe(200);
    await until(() => first.load().limit === 8); // after the quiet moment, not before
    await until(() => g.inside.length === 4);
    expect(g.inside[3]).toBe("applicant c");
    g.release("applicant b");
    g.release("applicant c");
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(first.load()).toMatchObject({ running: 0, waiting: 0, staffInFlight: 0 });
  });

  it("tells an applicant 'busy' at once past the queue's bound, and never holds the health checks", async () => {
    const { g, first, pubUrl, operatorBusy } = await listeners(1);
    const { answer: op } = await operatorBusy("inbox");
    const a = fetch(`${pubUrl}/page/a`);
    await until(() => g.inside.includes("applicant a"));
    const b = fetch(`${pubUrl}/page/b`);
    await until(() => first.load().waiting === 1);
    const c = await fetch(`${pubUrl}/page/c`);
    expect(c.status).toBe(503);
    expect(c.headers.get("retry-after")).toBe("5");
    expect((await fetch(`${pubUrl}/healthz`)).status).toBe(200);
    expect(g.inside).not.toContain("applicant c");
    g.release("applicant a");
    await until(() => g.inside.includes("applicant b"));
    g.release("applicant b");
    g.release("staff inbox");
    expect([(await a).status, (await b).status, (await op).status]).toEqual([200, 200, 200]);
  });

  it("gives the slot back when the applicant hangs up before his answer", async () => {
    const { g, first, pubUrl, operatorBusy } = await listeners();
    const { answer: op } = await operatorBusy("long");
    const gone = new AbortController();
    const a = fetch(`${pubUrl}/page/a`, { signal: gone.signal }).catch(() => "aborted");
    await until(() => g.inside.includes("applicant a"));
    const b = fetch(`${pubUrl}/page/b`);
    await until(() => first.load().waiting === 1);
    gone.abort();
    expect(await a).toBe("aborted");
    await until(() => g.inside.includes("applicant b")); // a's handler still holds, but his slot is free
    g.release("applicant b");
    g.release("staff long");
    expect([(await b).status, (await op).status]).toEqual([200, 200]);
    g.release("applicant a");
  });

  it("is wired into the real listeners of one context: a staff request lowers the applicant side's limit", async () => {
    const staff = await buildStaffApp(ctx);
    const pub = await buildPublicApp(ctx);
    apps.push(staff, pub);
    const first = staffFirstFor(ctx);
    let during: ReturnType<StaffFirst["load"]> | null = null;
    staff.get("/probe", async () => ((during = first.load()), { ok: true }));
    const staffUrl = await staff.listen({ host: "127.0.0.1", port: 0 });
    const pubUrl = await pub.listen({ host: "127.0.0.1", port: 0 });
    expect((await fetch(`${staffUrl}/probe`)).status).toBe(200);
    expect(during).toMatchObject({ limit: 1, staffInFlight: 1 });
    expect((await fetch(`${pubUrl}/`)).status).toBe(200);
    await until(() => first.load().limit > 1);
  });
});

describe("Slots", () => {
  it("holds a lowered limit once enough running jobs have finished, instead of passing every slot on", async () => {
    const slots = new Slots(3);
    const ends: (() => void)[] = [];
    const job = () => new Promise<void>((r) => ends.push(r));
    const running = [slots.run(job), slots.run(job), slots.run(job)];
    const waiting = [slots.run(job), slots.run(job)];
    expect(slots.load()).toEqual({ running: 3, waiting: 2, limit: 3 });
    slots.setLimit(1);
    ends[0]!();
    await running[0];
    expect(slots.load()).toEqual({ running: 2, waiting: 2, limit: 1 });
    ends[1]!();
    await running[1];
    ends[2]!();
    await running[2];
    await until(() => slots.load().running === 1);
    expect(slots.load()).toEqual({ running: 1, waiting: 1, limit: 1 });
    ends[3]!();
    await waiting[0];
    await until(() => ends.length === 5);
    ends[4]!();
    await waiting[1];
    expect(slots.load()).toEqual({ running: 0, waiting: 0, limit: 1 });
  });
});
