import { describe, expect, it } from "vitest";
import {
  combineEscrowShares,
  createEscrowKey,
  generateStaffKeyPair,
  isCryptoError,
  parseEscrowShare,
  unwrapWithEscrow,
  wrapWithEscrow,
} from "../../../src/server/crypto/index.js";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isCryptoError(err)) return err.code;
    throw err;
  }
  return "OK";
}

describe("escrow with threshold", () => {
  it("2 of 3 shares rebuild the escrow key and recover a staff key; 1 share does not", async () => {
    const setup = await createEscrowKey(3, 2);
    expect(setup.shares).toHaveLength(3);
    for (const [i, share] of setup.shares.entries()) {
      expect(share).toMatch(new RegExp(`^SPE1-00${i + 1}-[0-9A-Z]{4}(-[0-9A-Z]{4}){15}$`));
      expect(parseEscrowShare(share)).toMatchObject({ number: i + 1, threshold: 2, keyId: setup.keyId });
    }

    const staff = generateStaffKeyPair();
    const wrapped = wrapWithEscrow(staff.privateKey, setup.publicKey, "u7");
    const [a = "", b = "", c = ""] = setup.shares;
    for (const pair of [[a, b], [b, c], [c, a], [a, b, c]]) {
      const escrow = await combineEscrowShares(pair, setup.publicKey);
      expect(escrow.publicKey.equals(setup.publicKey)).toBe(true);
      const recovered = unwrapWithEscrow(wrapped, escrow, "u7", staff.publicKey);
      expect(recovered.privateKey.equals(staff.privateKey)).toBe(true);
    }
    expect(await codeOf(combineEscrowShares([a], setup.publicKey))).toBe("NOT_ENOUGH_SHARES");
    expect(await codeOf(combineEscrowShares([a, a], setup.publicKey))).toBe("NOT_ENOUGH_SHARES");
  });

  it("3 of 5: two shares are not enough, three are", async () => {
    const setup = await createEscrowKey(5, 3);
    const [s1 = "", s2 = "", s3 = "", , s5 = ""] = setup.shares;
    expect(await codeOf(combineEscrowShares([s1, s5], setup.publicKey))).toBe("NOT_ENOUGH_SHARES");
    const pair = await combineEscrowShares([s5, s2, s3], setup.publicKey);
    expect(pair.publicKey.equals(setup.publicKey)).toBe(true);
    expect(await codeOf(combineEscrowShares([s1, s2, s3], setup.publicKey))).toBe("OK");
  });

  it("detects typos, foreign shares and a wrong public key", async () => {
    const one = await createEscrowKey(3, 2);
    const other = await createEscrowKey(3, 2);
    const [a = "", b = ""] = one.shares;
    const last = a.charAt(a.length - 1);
    const typo = a.slice(0, -1) + (last === "7" ? "8" : "7");
    expect(() => parseEscrowShare(typo)).toThrow(/checksum|non-canonical/);
    // Share numbers are covered by the checksum too.
    expect(() => parseEscrowShare(a.replace(/^SPE1-001/, "SPE1-002"))).toThrow(/checksum/);
    expect(() => parseEscrowShare("hello")).toThrow(/not an escrow share/);
    // Lower case with spaces is accepted.
    expect(parseEscrowShare(a.toLowerCase().replace(/-/g, " ")).number).toBe(1);
    expect(await codeOf(combineEscrowShares([a, other.shares[1] ?? ""], one.publicKey))).toBe("NOT_ENOUGH_SHARES");
    expect(await codeOf(combineEscrowShares([a, b], other.publicKey))).toBe("NOT_ENOUGH_SHARES");
    expect(await codeOf(createEscrowKey(2, 3))).toBe("INVALID_INPUT");
    expect(await codeOf(createEscrowKey(3, 1))).toBe("INVALID_INPUT");
  });
});
