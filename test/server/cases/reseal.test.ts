import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { appendInboundMessage } from "../../../src/server/cases/index.js";
import { cases, messages } from "../../../src/server/db/schema.js";
import { embeddedClientOf, onPostgres } from "../../support/store.js";

/**
 * Messages written by a channel (no case key there) carry a one-off key sealed to the case's
 * public key. The first staff open re-encrypts them under the case key, so later opens need no
 * public-key work (issue 16: case open ≤ 20 ms p95). Nothing is lost: the texts read the same to
 * everyone who could read them before, and no row holds them in the clear.
 */
type Who = "op1" | "op2";
let s: StaffedStore<Who>;
beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", op2: "operator" } });
}, 240_000);
afterAll(async () => s?.close());

const TEXTS = ["Я на позиции у посадки", "Со мной ещё двое", "Когда выходить?"];

describe("re-sealing channel messages on the first staff open", () => {
  it("moves them under the case key once, with the same texts for every reader and nothing in the clear", async () => {
    const { caseId } = await webCase(s.ctx, { channel: "telegram", message: "Хочу сдаться" });
    const [row] = await s.ctx.db.select().from(cases).where(eq(cases.id, caseId));
    for (const text of TEXTS) {
      s.clock.tick(1000);
      await s.ctx.db.transaction((tx) => appendInboundMessage(s.ctx, tx, { caseId, casePublicKey: row!.publicKey!, channel: "telegram", text, at: s.ctx.now() }));
    }
    const stored = async () => (await s.ctx.db.select().from(messages).where(eq(messages.caseId, caseId))).filter((m) => m.direction === "in");
    const before = await stored();
    expect(before.filter((m) => m.sealedKey !== null).length).toBe(TEXTS.length);

    const bodies = async (who: Who) => {
      const r = await s.staff[who].request("GET", `/api/cases/${caseId}`);
      expect(r.statusCode).toBe(200);
      return (r.json().messages as { body: string }[]).map((m) => m.body);
    };
    const first = await bodies("op1");
    for (const t of TEXTS) expect(first).toContain(t);

    const after = await stored();
    expect(after.filter((m) => m.sealedKey !== null)).toEqual([]);
    for (const m of after) {
      const was = before.find((b) => b.id === m.id)!;
      if (was.sealedKey) expect(Buffer.from(m.body).equals(Buffer.from(was.body))).toBe(false);
      // A stolen row shows no text: the new body is ciphertext too.
      for (const t of TEXTS) expect(Buffer.from(m.body).includes(Buffer.from(t, "utf8"))).toBe(false);
    }
    // Read again, and by another member of the team: the same texts, in the same order.
    expect(await bodies("op1")).toEqual(first);
    expect(await bodies("op2")).toEqual(first);
    // A message arriving later is sealed again, and re-sealed on the next open.
    await s.ctx.db.transaction((tx) => appendInboundMessage(s.ctx, tx, { caseId, casePublicKey: row!.publicKey!, channel: "telegram", text: "Я тут", at: s.ctx.now() }));
    expect((await stored()).filter((m) => m.sealedKey !== null).length).toBe(1);
    expect(await bodies("op2")).toContain("Я тут");
    expect((await stored()).filter((m) => m.sealedKey !== null).length).toBe(0);
  });
});

describe.skipIf(onPostgres())("a later open on the embedded store", () => {
  it("takes six round trips to the store's thread: the times and flags ride with the case's first reads", async () => {
    const { caseId } = await webCase(s.ctx, { channel: "web", message: "Хочу сдаться" });
    const client = embeddedClientOf(s.ctx);
    await s.staff.op1.request("GET", `/api/cases/${caseId}`); // the first open re-seals and may touch the session
    const trips: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = client.roundTrips;
      expect((await s.staff.op1.request("GET", `/api/cases/${caseId}`)).statusCode).toBe(200);
      trips.push(client.roundTrips - before);
    }
    // Session; case row, key grants, response times and flags; sections, thread, events and merges;
    // the audit entry's head, its insert and COMMIT. The least of three, in case a job's query ran beside one.
    expect(Math.min(...trips)).toBe(6);
  });
});
