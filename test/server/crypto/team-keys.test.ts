import { describe, expect, it } from "vitest";
import {
  generateCaseKey,
  generateKeyPair,
  generateTeamKeyPair,
  openCaseKey,
  openTeamKey,
  rotateTeamKey,
  sealCaseKey,
  sealTeamKeyForMember,
} from "../../../src/server/crypto/index.js";

describe("team keys", () => {
  it("seals the team key to a member and opens it with the member's key pair", () => {
    const team = generateTeamKeyPair();
    const alice = generateKeyPair();
    const sealed = sealTeamKeyForMember(team.privateKey, alice.publicKey);
    const opened = openTeamKey(sealed, alice, team.publicKey);
    expect(opened.privateKey.equals(team.privateKey)).toBe(true);
    expect(() => openTeamKey(sealed, generateKeyPair())).toThrow(/not sealed to this key/);
    expect(() => openTeamKey(sealed, alice, generateKeyPair().publicKey)).toThrow(/not the key of this team/);
  });

  it("rotation: case keys move to the new team key; a removed member cannot open them", () => {
    const oldTeam = generateTeamKeyPair();
    const alice = generateKeyPair();
    const bob = generateKeyPair();
    const aliceOld = sealTeamKeyForMember(oldTeam.privateKey, alice.publicKey);
    const bobOld = sealTeamKeyForMember(oldTeam.privateKey, bob.publicKey);
    const caseKeys = [generateCaseKey(), generateCaseKey(), generateCaseKey()];
    const sealedOld = caseKeys.map((k) => sealCaseKey(k, oldTeam.publicKey));

    // Bob leaves: new team key, sealed to Alice only; case keys re-sealed.
    const { teamKeyPair, resealedCaseKeys } = rotateTeamKey(oldTeam, sealedOld);
    expect(teamKeyPair.publicKey.equals(oldTeam.publicKey)).toBe(false);
    const aliceNew = sealTeamKeyForMember(teamKeyPair.privateKey, alice.publicKey);

    const aliceTeam = openTeamKey(aliceNew, alice, teamKeyPair.publicKey);
    resealedCaseKeys.forEach((sealed, i) => {
      expect(openCaseKey(sealed, aliceTeam.publicKey, aliceTeam.privateKey).equals(caseKeys[i] as Buffer)).toBe(true);
    });

    // Bob kept his sealed copy of the old team key: it opens only the old team key,
    // which cannot open anything sealed to the new one.
    const bobTeam = openTeamKey(bobOld, bob);
    expect(() => openTeamKey(aliceNew, bob)).toThrow();
    for (const sealed of resealedCaseKeys) {
      expect(() => openCaseKey(sealed, bobTeam.publicKey, bobTeam.privateKey)).toThrow(/not sealed to this key/);
      expect(() => openCaseKey(sealed, teamKeyPair.publicKey, bobTeam.privateKey)).toThrow();
    }
    expect(openTeamKey(aliceOld, alice).privateKey.equals(oldTeam.privateKey)).toBe(true);
  });

  it("rotation fails as a whole when a blob is not sealed to the old team key", () => {
    const oldTeam = generateTeamKeyPair();
    const stray = sealCaseKey(generateCaseKey(), generateKeyPair().publicKey);
    expect(() => rotateTeamKey(oldTeam, [sealCaseKey(generateCaseKey(), oldTeam.publicKey), stray])).toThrow(/not sealed/);
  });
});
