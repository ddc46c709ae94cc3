import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { embeddedClientOf, freshContext, onPostgres } from "../../support/store.js";
import { createBaseApp } from "../../../src/server/http/base.js";
import fs from "node:fs";
import { argon2LaneStatus, asPublicWork, isPublicWork, setPublicArgon2Limit, setPublicArgon2Nice, defaultPublicArgon2Limit } from "../../../src/server/crypto/argon2-lane.js";
import { deriveApplicantKeyPair, generateApplicantSalt, generateReceiptCode, hashReceiptCode, verifyReceiptCode } from "../../../src/server/crypto/receipt.js";
import type { AppContext } from "../../../src/server/context.js";

/**
 * Issue 16: in an intake flood the operators' requests waited behind the applicant side's work
 * (15-30× their idle p99). The applicant side's work runs in a lane of its own: its Argon2id runs
 * are bounded, and on the embedded store its statements alternate with everyone else's instead
 * of queueing ahead of them. Shown by counts and by order, never by time.
 */
let ctx: AppContext;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ ctx, cleanup } = await freshContext());
}, 120_000);
afterAll(async () => cleanup?.());
afterEach(() => setPublicArgon2Limit(defaultPublicArgon2Limit()));

describe("the public listener's lane", () => {
  it("is where the public listener's requests run, over real HTTP, and nowhere else", async () => {
    const seen: Record<string, boolean> = {};
    for (const publicLane of [true, false]) {
      const app = await createBaseApp({ log: ctx.log, db: ctx.db, publicLane });
      app.get("/lane", async () => {
        await new Promise((r) => setTimeout(r, 1)); // across an await, as a real handler
        return { public: isPublicWork() };
      });
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      try {
        seen[String(publicLane)] = ((await (await fetch(`${url}/lane`)).json()) as { public: boolean }).public;
      } finally {
        await app.close();
      }
    }
    expect(seen).toEqual({ true: true, false: false });
    expect(isPublicWork()).toBe(false); // nothing leaked into the caller
  });

  it("runs at most its limit of Argon2id at once, queues the rest in order, and never makes staff work wait", async () => {
    setPublicArgon2Limit(1);
    const code = generateReceiptCode();
    const runs = (lane: "public" | "staff") => {
      const { running, waiting, limit } = argon2LaneStatus(lane);
      return { running, waiting, limit };
    };
    const done: string[] = [];
    const applicants = asPublicWork(() => [1, 2, 3].map((i) => hashReceiptCode(code).then(() => done.push(`applicant ${i}`))));
    expect(runs("public")).toEqual({ running: 1, waiting: 2, limit: 1 });
    const staffIdle = runs("staff");
    const staff = hashReceiptCode(code);
    // The staff run starts at once, in its own lane, while the public lane is full and queueing:
    // not queued behind the applicants, and not counted against their limit. Shown by the lanes'
    // counts, not by which run ends first (that is the scheduler's, on a machine busy with tests).
    expect(runs("staff")).toEqual({ ...staffIdle, running: staffIdle.running + 1 });
    expect(runs("public")).toEqual({ running: 1, waiting: 2, limit: 1 });
    await staff;
    await Promise.all(applicants);
    expect(done).toEqual(["applicant 1", "applicant 2", "applicant 3"]);
    expect(runs("public")).toEqual({ running: 0, waiting: 0, limit: 1 });
    expect(runs("staff")).toEqual(staffIdle);
  });
});

describe("the lane's threads", () => {
  it("give the same results as the staff side's runs: a key derived, a hash made and checked either way", async () => {
    const code = generateReceiptCode();
    const salt = generateApplicantSalt();
    const [pub, staff] = [await asPublicWork(() => deriveApplicantKeyPair(code, salt)), await deriveApplicantKeyPair(code, salt)];
    expect(Buffer.from(pub.publicKey).equals(Buffer.from(staff.publicKey))).toBe(true);
    expect(Buffer.from(pub.privateKey).equals(Buffer.from(staff.privateKey))).toBe(true);
    const madeByPublic = await asPublicWork(() => hashReceiptCode(code));
    expect(await verifyReceiptCode(code, madeByPublic)).toBe(true);
    expect(await asPublicWork(() => verifyReceiptCode(code, madeByPublic))).toBe(true);
    expect(await asPublicWork(() => verifyReceiptCode(generateReceiptCode(), madeByPublic))).toBe(false);
    const madeByStaff = await hashReceiptCode(code);
    expect(await asPublicWork(() => verifyReceiptCode(code, madeByStaff))).toBe(true);
  });

  it.skipIf(process.platform !== "linux")("run at the lower CPU priority they are given, as the kernel sees it", async () => {
    for (const nice of [7, 12]) {
      setPublicArgon2Nice(nice);
      await asPublicWork(() => hashReceiptCode(generateReceiptCode()));
      const { lastRun } = argon2LaneStatus("public");
      expect(lastRun.tid).not.toBe(process.pid); // a thread of its own, not the event loop's
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the name in parentheses).
      const stat = fs.readFileSync(`/proc/self/task/${lastRun.tid}/stat`, "utf8");
      expect(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])).toBe(nice);
    }
    setPublicArgon2Nice(10);
  });

  it.skipIf(process.platform !== "linux")("run the staff side's Argon2id too, off libuv's threads, lowered but above the public lane", async () => {
    // Issue 17: a search's slow indexes on libuv's threads at normal priority took the cores from
    // the event loop, and the applicant site's p99 grew 2.5× while four searches ran.
    await hashReceiptCode(generateReceiptCode());
    const { nice: wanted, lastRun } = argon2LaneStatus("staff");
    expect(lastRun.tid).not.toBe(process.pid);
    expect(lastRun.tid).not.toBeNull();
    const stat = fs.readFileSync(`/proc/self/task/${lastRun.tid}/stat`, "utf8");
    const nice = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    expect(nice).toBe(wanted);
    expect(nice).toBeGreaterThan(0);
    expect(nice).toBeLessThan(argon2LaneStatus("public").nice);
  });
});

describe.skipIf(onPostgres())("the embedded store's one connection", () => {
  it("alternates between the lanes while both wait, each lane in its own order", async () => {
    const client = embeddedClientOf(ctx);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    // A staff transaction holds the connection while both lanes queue up behind it.
    const tx = client.transaction(async (t) => {
      await t.query("SELECT 1");
      await held;
    });
    await new Promise((r) => setTimeout(r, 20));
    const q = (label: string) => client.query("SELECT 1").then(() => order.push(label));
    const waiting = [
      ...asPublicWork(() => [q("public 1"), q("public 2"), q("public 3"), q("public 4")]),
      q("staff 1"),
      q("staff 2"),
    ];
    release();
    await Promise.all([tx, ...waiting]);
    // First-come order would have put both staff queries after all four public ones.
    expect(order).toEqual(["public 1", "staff 1", "public 2", "staff 2", "public 3", "public 4"]);
  });

  it("sends reads started together in one round trip, each with its own result or error", async () => {
    const client = embeddedClientOf(ctx);
    const before = client.roundTrips;
    const [a, bad, b, c] = await Promise.allSettled([
      client.query("SELECT 1 AS n"),
      client.query("SELECT * FROM no_such_table"),
      client.query("SELECT $1::int AS n", [2]),
      client.query("SELECT count(*)::int AS n FROM cases"),
    ]);
    expect(client.roundTrips - before).toBe(1);
    expect(a).toMatchObject({ status: "fulfilled", value: { rows: [{ n: 1 }] } });
    expect(b).toMatchObject({ status: "fulfilled", value: { rows: [{ n: 2 }] } });
    expect(c).toMatchObject({ status: "fulfilled", value: { rows: [{ n: expect.any(Number) }] } });
    // The failed statement fails alone, with PostgreSQL's code, and spoils none of the others.
    expect(bad).toMatchObject({ status: "rejected", reason: { code: "42P01" } });
    // One after another, each is a round trip of its own (nothing waits to be batched).
    const mid = client.roundTrips;
    await client.query("SELECT 1");
    await client.query("SELECT 1");
    expect(client.roundTrips - mid).toBe(2);
  });
});
