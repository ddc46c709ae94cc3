import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { staffedStore, webCase, type StaffedStore } from "../../support/staffed.js";
import { cookieFrom, createStaff, StaffClient, TEST_PASSWORD } from "../../support/staff.js";
import { totpCodeAt } from "../../../src/server/auth/totp.js";
import { caseGrants, escrowKeys, staffKeys, teamMembers, teams } from "../../../src/server/db/schema.js";
import { generateKeyPair, openSealed } from "../../../src/server/crypto/box.js";
import { randomBytes } from "../../../src/server/crypto/random.js";
import { unwrapWithEscrow } from "../../../src/server/crypto/staff-keys.js";
import { initEscrow } from "../../../src/server/keys/recovery.js";
import { checkKeyRows, pinKeyRowsOnce, trustedTeamKeys } from "../../../src/server/keys/pinned.js";
import { openDatabase, migrate } from "../../../src/server/db/index.js";
import { freshStore } from "../../support/store.js";
import { loadOrCreateServerKey } from "../../../src/server/crypto/server-key.js";
import { generateTeamKeyPair } from "../../../src/server/crypto/team-keys.js";

/**
 * SECURITY.md, key hierarchy (issue 10, item 8): the attacker can write to the database but has
 * no key file. He plants his own public key in an escrow, staff or team row, and waits for the
 * server to seal something to it. Every attempt must leave him with nothing he can open.
 */
let s: StaffedStore<"op1" | "op2">;
const attacker = generateKeyPair();

beforeAll(async () => {
  s = await staffedStore({ staff: { op1: "operator", op2: "operator" } });
  await initEscrow(s.ctx, 3, 2);
});
afterAll(() => s.close());

async function signIn(c: StaffClient) {
  s.clock.tick();
  const r = await s.app.inject({ method: "POST", url: "/api/auth/login", payload: { username: c.username, password: TEST_PASSWORD, totp: totpCodeAt(c.totpSecret!, s.clock.now()) } });
  expect(r.statusCode, r.body).toBe(200);
  return new StaffClient(s.app, cookieFrom(r), r.json().csrfToken, c.username, c.totpSecret, c.userId);
}

/** True when any sealed copy in the list opens with the attacker's key pair. */
function attackerOpensAny(sealed: Buffer[]) {
  return sealed.some((b) => {
    try {
      openSealed(b, attacker, "probe", true);
      return true;
    } catch {
      return false;
    }
  });
}

describe("public-key rows are pinned by a MAC the database alone cannot make", () => {
  it("every row the server made carries a valid MAC", async () => {
    expect(await checkKeyRows(s.ctx.db, s.ctx.keys)).toEqual({ ok: true, bad: [] });
  });

  it("a planted escrow row gets no staff private key at the next sign-in", async () => {
    // Newest and active, with a made-up MAC: what a database writer can do without the key file.
    await s.ctx.db.insert(escrowKeys).values({ id: "planted", publicKey: attacker.publicKey, shares: 1, threshold: 1, active: true, mac: randomBytes(32), createdAt: new Date(Date.now() + 60_000) });
    await signIn(s.staff.op1);
    const [row] = await s.ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, s.staff.op1.userId));
    expect(row!.escrowKeyId).not.toBe("planted");
    expect(() => unwrapWithEscrow(row!.escrowWrapped!, attacker, s.staff.op1.userId)).toThrow();
    expect((await checkKeyRows(s.ctx.db, s.ctx.keys)).bad).toContain("escrow planted");
    await s.ctx.db.delete(escrowKeys).where(eq(escrowKeys.id, "planted"));
  });

  it("a swapped staff public key is refused: assigning a case to him seals nothing", async () => {
    const c = await webCase(s.ctx, { name: "Орлов Иван" });
    const [real] = await s.ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, s.staff.op2.userId));
    await s.ctx.db.update(staffKeys).set({ publicKey: attacker.publicKey }).where(eq(staffKeys.userId, s.staff.op2.userId));
    const op1 = await signIn(s.staff.op1);
    const r = await op1.request("POST", `/api/cases/${c.caseId}/assign`, { userId: s.staff.op2.userId });
    expect(r.statusCode, r.body).toBe(503);
    expect(r.json().error.code).toBe("unavailable");
    const grants = await s.ctx.db.select().from(caseGrants).where(eq(caseGrants.caseId, c.caseId));
    expect(grants.some((g) => g.recipientType === "staff" && g.recipientId === s.staff.op2.userId)).toBe(false);
    expect(attackerOpensAny(grants.map((g) => g.sealedKey))).toBe(false);
    await s.ctx.db.update(staffKeys).set({ publicKey: real!.publicKey }).where(eq(staffKeys.userId, s.staff.op2.userId));
  });

  it("a newcomer whose public key was swapped is not admitted: the team key is sealed to nobody", async () => {
    const newcomer = await createStaff(s.app, s.ctx, s.admin, "operator", "newcomer", s.clock, { admit: false });
    const [real] = await s.ctx.db.select().from(staffKeys).where(eq(staffKeys.userId, newcomer.userId));
    await s.ctx.db.update(staffKeys).set({ publicKey: attacker.publicKey }).where(eq(staffKeys.userId, newcomer.userId));
    const op1 = await signIn(s.staff.op1);
    const r = await op1.request("POST", `/api/admissions/intake/${newcomer.userId}/admit`);
    expect(r.statusCode, r.body).toBe(503);
    const [row] = await s.ctx.db.select().from(teamMembers).where(and(eq(teamMembers.teamId, "intake"), eq(teamMembers.userId, newcomer.userId)));
    expect(row!.sealedKey).toBeNull();
    await s.ctx.db.update(staffKeys).set({ publicKey: real!.publicKey }).where(eq(staffKeys.userId, newcomer.userId));
  });

  it("a swapped team key is refused: a new request is not sealed to it", async () => {
    const [real] = await s.ctx.db.select().from(teams).where(eq(teams.id, "intake"));
    await s.ctx.db.update(teams).set({ publicKey: attacker.publicKey }).where(eq(teams.id, "intake"));
    await expect(webCase(s.ctx, { name: "Петров Олег" })).rejects.toMatchObject({ code: "unavailable" });
    const team = await s.ctx.db.select().from(caseGrants).where(and(eq(caseGrants.recipientType, "team"), eq(caseGrants.recipientId, "intake")));
    expect(attackerOpensAny(team.map((g) => g.sealedKey))).toBe(false);
    await s.ctx.db.update(teams).set({ publicKey: real!.publicKey }).where(eq(teams.id, "intake"));
    expect((await webCase(s.ctx, { name: "Петров Олег" })).caseId).toBeTruthy();
  });

  it("clearing a MAC does not get the row blessed again on the next start", async () => {
    const newPair = generateTeamKeyPair();
    await s.ctx.db.update(teams).set({ publicKey: newPair.publicKey, mac: null }).where(eq(teams.id, "rewards"));
    expect((await pinKeyRowsOnce(s.ctx.db, s.ctx.keys)).pinned).toBe(false);
    await expect(trustedTeamKeys(s.ctx.db, s.ctx.keys, ["rewards"])).rejects.toMatchObject({ code: "unavailable" });
    expect((await checkKeyRows(s.ctx.db, s.ctx.keys)).bad).toEqual(["team rewards"]);
  });
});

describe("rows from before the MACs", () => {
  it("are pinned once at the first start of this version, and audited", async () => {
    const store = await freshStore();
    const database = await openDatabase({ dbDir: store.config.dbDir, ...(store.config.databaseUrl ? { databaseUrl: store.config.databaseUrl } : {}) });
    try {
      await migrate(database);
      const keys = loadOrCreateServerKey(store.config.keyFile);
      const pair = generateTeamKeyPair();
      await database.db.insert(teams).values({ id: "intake", publicKey: pair.publicKey }); // as an older version wrote it
      await expect(trustedTeamKeys(database.db, keys, ["intake"])).rejects.toMatchObject({ code: "unavailable" });
      expect(await pinKeyRowsOnce(database.db, keys)).toEqual({ pinned: true, staff: 0, teams: 1, escrow: 0 });
      expect((await trustedTeamKeys(database.db, keys, ["intake"]))[0]!.publicKey.equals(pair.publicKey)).toBe(true);
      expect((await pinKeyRowsOnce(database.db, keys)).pinned).toBe(false);
    } finally {
      await database.close();
      await store.cleanup();
    }
  });
});
