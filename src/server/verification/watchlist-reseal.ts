import { and, eq, isNotNull, or } from "drizzle-orm";
import { isCryptoError, resealKeys, type KeyPair } from "../crypto/index.js";
import type { TeamSealedData } from "../keys/teams.js";
import { verificationWatchlist } from "./tables.js";
import { WATCHLIST_TEAM } from "./watchlist-entries.js";

/**
 * The verification team's key rotated (a verifier left): every entry added by hand under the old
 * key gets its value, note and removal reason sealed to the new key, in the rotation's
 * transaction. Otherwise the verifiers who stay would lose the clear values (the list opens only
 * entries of the current version) and the one who left, if he kept the old key, would still open
 * what was sealed to it.
 *
 * An entry that the old key does not open (sealed to a key retired before entries were carried
 * over) is left as it is, rather than stopping the rotation: no one on the team could read it anyway.
 */
export const resealWatchlist: TeamSealedData = async (tx, teamId, from, to) => {
  if (teamId !== WATCHLIST_TEAM) return 0;
  const rows = await tx
    .select({ id: verificationWatchlist.id, sealedValue: verificationWatchlist.sealedValue, sealedNote: verificationWatchlist.sealedNote, removeReason: verificationWatchlist.removeReason })
    .from(verificationWatchlist)
    .where(and(isNotNull(verificationWatchlist.addedBy), eq(verificationWatchlist.keyVersion, from.keyVersion), or(isNotNull(verificationWatchlist.sealedValue), isNotNull(verificationWatchlist.sealedNote))));
  let moved = 0;
  for (const r of rows) {
    const next = {
      sealedValue: carry(r.sealedValue, from.pair, to.publicKey),
      sealedNote: carry(r.sealedNote, from.pair, to.publicKey),
      // Taken off by a supervisor: the reason was sealed to the team key of the day, the entry's own.
      removeReason: carry(r.removeReason, from.pair, to.publicKey),
    };
    if (next.sealedValue === undefined || next.sealedNote === undefined) continue;
    await tx
      .update(verificationWatchlist)
      .set({ sealedValue: next.sealedValue, sealedNote: next.sealedNote, keyVersion: to.keyVersion, ...(next.removeReason !== undefined ? { removeReason: next.removeReason } : {}) })
      .where(eq(verificationWatchlist.id, r.id));
    moved++;
  }
  return moved;
};

/** One blob moved to the new key; null stays null; undefined when the old key does not open it. */
function carry(sealed: Buffer | null, from: KeyPair, toPublicKey: Buffer): Buffer | null | undefined {
  if (!sealed) return null;
  try {
    return resealKeys([sealed], from, toPublicKey)[0]!;
  } catch (err) {
    if (isCryptoError(err)) return undefined;
    throw err;
  }
}
