import { generateKeyPair, keyPairFromPrivateKey, openSealed, PRIVATE_KEY_BYTES, sealTo } from "./box.js";
import type { KeyPair } from "./box.js";
import { CryptoError } from "./errors.js";
import { wipe } from "./secure.js";

/**
 * Team keys: a team (intake, verification, a regional desk) has its own X25519 key pair. Case
 * keys are sealed to the team public key, and the team private key is sealed to each member's
 * public key, so adding a member is one seal and does not touch any case.
 *
 * Removing a member is a rotation: the departed member may have kept the old team private key,
 * so a new team key pair is made, sealed to the remaining members only, and every case key is
 * re-sealed from the old team key to the new one (rotateTeamKey). The old sealed blobs must then
 * be deleted; cases the member could read before remain readable to whoever kept a copy, which
 * no cryptography can undo.
 */

/** A new team key pair (private key in secure memory). */
export function generateTeamKeyPair(): KeyPair {
  return generateKeyPair();
}

/** Seals the team private key to one member: what "add member to team" stores. */
export function sealTeamKeyForMember(teamPrivateKey: Buffer, memberPublicKey: Buffer): Buffer {
  if (teamPrivateKey.length !== PRIVATE_KEY_BYTES) throw new CryptoError("INVALID_INPUT", "team private key must be 32 bytes");
  return sealTo(memberPublicKey, teamPrivateKey);
}

/**
 * Opens a member's sealed copy of the team key with the member's unlocked key pair. Pass the
 * stored team public key to have the result checked (KEY_MISMATCH on a forged row).
 */
export function openTeamKey(sealed: Buffer, member: KeyPair, expectedTeamPublicKey?: Buffer): KeyPair {
  const privateKey = openSealed(sealed, member, "sealed team key", true);
  if (privateKey.length !== PRIVATE_KEY_BYTES) {
    wipe(privateKey);
    throw new CryptoError("INVALID_FORMAT", "sealed team key has the wrong length");
  }
  const team = keyPairFromPrivateKey(privateKey);
  if (expectedTeamPublicKey && !team.publicKey.equals(expectedTeamPublicKey)) {
    wipe(privateKey);
    throw new CryptoError("KEY_MISMATCH", "sealed team key is not the key of this team");
  }
  return team;
}

/**
 * Re-seals sealed blobs (case keys, or anything sealed to a key pair) from one key pair to
 * another public key, in order. Each plaintext key exists only for the moment of re-sealing.
 * Throws DECRYPT_FAILED on the first blob that `from` cannot open (nothing is half-done: the
 * caller stores the result only if the whole batch succeeded).
 */
export function resealKeys(sealed: readonly Buffer[], from: KeyPair, toPublicKey: Buffer): Buffer[] {
  return sealed.map((blob) => {
    const key = openSealed(blob, from, "sealed key", true);
    try {
      return sealTo(toPublicKey, key);
    } finally {
      wipe(key);
    }
  });
}

export interface TeamKeyRotation {
  /** The new team key pair; seal its private key to each remaining member, then wipe it. */
  teamKeyPair: KeyPair;
  /** The same case keys sealed to the new team public key, in the order given. */
  resealedCaseKeys: Buffer[];
}

/** Rotation after a member leaves: new team key pair, case keys moved over from the old one. */
export function rotateTeamKey(oldTeam: KeyPair, sealedCaseKeys: readonly Buffer[]): TeamKeyRotation {
  const teamKeyPair = generateTeamKeyPair();
  try {
    return { teamKeyPair, resealedCaseKeys: resealKeys(sealedCaseKeys, oldTeam, teamKeyPair.publicKey) };
  } catch (err) {
    wipe(teamKeyPair.privateKey);
    throw err;
  }
}
