import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { staffedStore, type StaffedStore } from "../../support/staffed.js";
import { TEST_PASSWORD } from "../../support/staff.js";
import { recordIntake } from "../../../src/server/cases/index.js";
import { unlockStaffKey } from "../../../src/server/keys/staff.js";
import { openTeamKeyFor } from "../../../src/server/keys/teams.js";
import { openTeamKey } from "../../../src/server/crypto/team-keys.js";
import { openSealed, publicKeyOf, type KeyPair } from "../../../src/server/crypto/box.js";
import { auditLog, teamMembers, teams } from "../../../src/server/db/schema.js";
import { verificationWatchlist } from "../../../src/server/verification/tables.js";

/**
 * The watchlist across a rotation of the verification team's key (issue 11, point 5, with issue
 * 10's removal of a member), over real HTTP on either store: a verifier leaves, the next key holder
 * online rotates the key, and the entries added by hand are carried over to the new key in the
 * same transaction. The verifiers who stay still read every entry and matches still flag; the
 * old key the one who left may have kept opens no entry, old or new.
 */
type S = "ver1" | "ver2" | "leaver" | "super";
let s: StaffedStore<S>;
beforeAll(async () => {
  s = await staffedStore({ staff: { ver1: "verifier", ver2: "verifier", leaver: "verifier", super: "supervisor" } });
}, 300_000);
afterAll(async () => s?.close());

type Entry = { id: string; kind: string; value: string | null; note: string | null };
const listAs = async (who: S) => {
  const r = await s.staff[who].request("GET", "/api/verification/watchlist");
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Entry[];
};
const hitsOf = async (caseId: string) => ((await s.staff.ver2.request("GET", "/api/verification/hits")).json() as { caseId: string; kind: string }[]).filter((h) => h.caseId === caseId).map((h) => h.kind).sort();
const rowsOf = (ids: string[]) => s.ctx.db.select().from(verificationWatchlist).where(inArray(verificationWatchlist.id, ids));
const versionOf = async () => (await s.ctx.db.select({ v: teams.keyVersion }).from(teams).where(eq(teams.id, "verification")))[0]!.v;
const opens = (sealed: Buffer | null, pair: KeyPair) => {
  try {
    return openSealed(sealed!, pair, "watchlist entry").toString("utf8");
  } catch {
    return null;
  }
};

/** What a verifier who kept his copy could open offline: his sealed team key, with his own private key. */
async function keptTeamKey(userId: string) {
  const [row] = await s.ctx.db.select().from(teamMembers).where(and(eq(teamMembers.teamId, "verification"), eq(teamMembers.userId, userId)));
  const privateKey = (await unlockStaffKey(s.ctx.db, s.ctx.keys, userId, TEST_PASSWORD))!;
  return openTeamKey(row!.sealedKey!, { publicKey: publicKeyOf(privateKey), privateKey });
}

describe("the watchlist across a rotation of the verification team's key", { timeout: 300_000 }, () => {
  it("a verifier leaves: the others still read every entry and matches still flag; his kept key opens none, old or new", async () => {
    const { ver1, ver2, leaver, super: sup } = s.staff;
    const NUMBER = "+380 50 700 80 90";
    const before = await ver1.request("POST", "/api/verification/watchlist", { kind: "phone", value: NUMBER, note: "Питав про точку зустрічі на іншій лінії" });
    expect(before.statusCode, before.body).toBe(201);
    const oldIds: string[] = before.json().ids;
    // One more, taken off by a supervisor before the rotation: its reason is sealed to the team too.
    const gone = await ver1.request("POST", "/api/verification/watchlist", { kind: "telegram_username", value: "@provokator_77" });
    const goneIds: string[] = gone.json().ids;
    expect((await sup.request("POST", `/api/verification/watchlist/${goneIds[0]}/remove`, { reason: "акаунт передали іншій людині" })).statusCode).toBe(204);

    const kept = await keptTeamKey(leaver.userId);
    // The control that makes the checks below mean something: before, his copy opens the entry.
    const [oldRow] = await rowsOf(oldIds);
    expect(JSON.parse(opens(oldRow!.sealedValue, kept)!)).toEqual({ value: NUMBER, birthDate: null });
    const v = await versionOf();

    // He leaves the team; the next key holder online (ver1) rotates the key.
    expect((await s.admin.request("DELETE", `/api/teams/verification/members/${leaver.userId}`)).statusCode).toBe(204);
    expect((await ver1.request("GET", "/api/auth/session")).statusCode).toBe(200);
    expect(await versionOf()).toBe(v + 1);
    const rotated = (await s.ctx.db.select().from(auditLog).where(eq(auditLog.action, "team.key_rotated"))).at(-1);
    expect(rotated).toMatchObject({ subjectId: "verification", details: expect.objectContaining({ resealedData: oldIds.length + goneIds.length }) });

    // The verifier who stays (not the one who rotated) reads the entry from before, value and note.
    expect(await listAs("ver2")).toEqual(expect.arrayContaining([expect.objectContaining({ id: oldIds[0], kind: "phone", value: NUMBER, note: "Питав про точку зустрічі на іншій лінії" })]));
    for (const r of await rowsOf([...oldIds, ...goneIds])) expect(r.keyVersion).toBe(v + 1);
    // A request from that number after the rotation is still flagged.
    const wa = (await recordIntake(s.ctx, { channel: "whatsapp", sections: {}, message: "Добрий день", identifiers: { whatsapp: NUMBER } })).caseId;
    expect(await hitsOf(wa)).toEqual(["whatsapp"]);

    // An entry added after the rotation.
    const after = await ver2.request("POST", "/api/verification/watchlist", { kind: "service_number", value: "АА-123456", note: "Попередження від сусідньої бригади" });
    expect(after.statusCode, after.body).toBe(201);
    const newIds: string[] = after.json().ids;
    expect(await listAs("ver1")).toEqual(expect.arrayContaining([expect.objectContaining({ id: newIds[0], value: "АА-123456", note: "Попередження від сусідньої бригади" })]));

    // The attack: the one who left, over HTTP (still a verifier, no longer on the team) reads no value...
    const his = await leaver.request("GET", "/api/verification/watchlist");
    expect(his.statusCode).toBe(200);
    expect(his.body).not.toMatch(/700 80 90|380507008090|АА-123456|Питав|Попередження/);
    // ...and with the old key he kept, opens neither the new entry nor the old ones (carried over), nor the removal reason.
    for (const r of await rowsOf([...newIds, ...oldIds, ...goneIds])) {
      expect(opens(r.sealedValue, kept)).toBeNull();
      if (r.sealedNote) expect(opens(r.sealedNote, kept)).toBeNull();
      if (r.removeReason) expect(opens(r.removeReason, kept)).toBeNull();
    }
    // The new team key (a remaining verifier's) opens the removal reason that was carried over.
    const ver1Key = (await unlockStaffKey(s.ctx.db, s.ctx.keys, ver1.userId, TEST_PASSWORD))!;
    const team = (await openTeamKeyFor(s.ctx.db, "verification", ver1.userId, ver1Key))!;
    const [removed] = await rowsOf([goneIds[0]!]);
    expect(opens(removed!.removeReason, team)).toBe("акаунт передали іншій людині");
  });
});
