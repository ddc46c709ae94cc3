import type { Db } from "../db/index.js";
import { and, eq } from "drizzle-orm";
import { caseSections } from "../db/schema.js";
import { SEAL_OVERHEAD_BYTES, generateKeyPair, openSealedInto, sealTo, type KeyPair } from "../crypto/box.js";
import { decryptField, encryptField } from "../crypto/fields.js";
import { randomBytes } from "../crypto/random.js";
import { SecureArena, secureMove, wipe } from "../crypto/secure.js";

/**
 * Two ways to write into a case:
 *  - with the case key (staff, or the applicant on the web, who opened it): rows are encrypted
 *    under the case key directly, `sealedKey` null;
 *  - without it (a Telegram message arriving when nobody is signed in): a one-off key encrypts
 *    the row and is sealed to the case's public key, whose private key only case-key holders open.
 * Readers resolve the right key per row with `rowKey`.
 */
const SECRET_SECTION = "case_secret";
const secretContext = (caseId: string) => ({ caseId, table: "cases", field: "secret_key" });

/** A new case's key pair: the public key goes on the case row, the private key into this section. */
export function newCaseKeyPair(caseKey: Buffer, caseId: string) {
  const pair = generateKeyPair();
  const section = { caseId, section: SECRET_SECTION, ciphertext: encryptField(caseKey, secretContext(caseId), pair.privateKey) };
  wipe(pair.privateKey);
  return { publicKey: pair.publicKey, section };
}

/** A one-off key for writing into a case without its case key, and that key sealed to the case. */
export function sealedWriteKey(casePublicKey: Buffer): { key: Buffer; sealedKey: Buffer } {
  const key = secureMove(randomBytes(32));
  return { key, sealedKey: sealTo(casePublicKey, key) };
}

/** Resolves row keys for one case while its case key is open. Call `close` when done. */
export async function caseKeyring(db: Pick<Db, "select">, caseId: string, caseKey: Buffer, casePublicKey: Buffer | null) {
  let pair: KeyPair | null = null;
  const open = async () => {
    if (pair || !casePublicKey) return pair;
    const [row] = await db.select().from(caseSections).where(and(eq(caseSections.caseId, caseId), eq(caseSections.section, SECRET_SECTION)));
    if (!row) return null;
    pair = { publicKey: casePublicKey, privateKey: secureMove(decryptField(caseKey, secretContext(caseId), row.ciphertext)) };
    return pair;
  };
  // Row keys go into slots of a few shared secure slabs, not one sodium_malloc per row.
  const arena = new SecureArena();
  return {
    /** The key a row was written with (valid until close). */
    async rowKey(sealedKey: Buffer | null): Promise<Buffer> {
      if (!sealedKey) return caseKey;
      const p = await open();
      if (!p) throw new Error("case has no key pair");
      return openSealedInto(sealedKey, p, arena.take(Math.max(1, sealedKey.length - SEAL_OVERHEAD_BYTES)), "sealed row key");
    },
    close() {
      arena.close();
      if (pair) wipe(pair.privateKey);
    },
  };
}

