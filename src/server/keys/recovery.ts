import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { escrowKeys, staffKeys } from "../db/schema.js";
import { createEscrowKey } from "../crypto/escrow.js";
import { wrapWithEscrow } from "../crypto/staff-keys.js";
import { appendAudit } from "../audit/log.js";
import { escrowKeyMac, trustedEscrowKey } from "./pinned.js";

/**
 * Create the organisation escrow key. Its private key is printed as `shares` shares of which
 * `threshold` rebuild it, and is never stored. A later escrow key replaces the active one;
 * each staff key gets an escrow copy at its owner's next sign-in.
 */
export async function initEscrow(ctx: AppContext, shares: number, threshold: number) {
  const setup = await createEscrowKey(shares, threshold);
  await ctx.db.transaction(async (tx) => {
    await tx.update(escrowKeys).set({ active: false }).where(eq(escrowKeys.active, true));
    await tx.insert(escrowKeys).values({ id: setup.keyId, publicKey: setup.publicKey, shares, threshold, mac: escrowKeyMac(ctx.keys, setup.keyId, setup.publicKey, shares, threshold) });
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "keys.escrow_created", subjectType: "escrow", subjectId: setup.keyId, details: { shares, threshold } });
  });
  return setup;
}

/** At sign-in, while the private key is open: add or refresh the escrow copy. */
export async function ensureEscrowCopy(ctx: AppContext, userId: string, privateKey: Buffer) {
  const escrow = await trustedEscrowKey(ctx.db, ctx.keys);
  if (!escrow) return;
  const [row] = await ctx.db.select({ escrowKeyId: staffKeys.escrowKeyId }).from(staffKeys).where(eq(staffKeys.userId, userId));
  if (!row || row.escrowKeyId === escrow.id) return;
  await ctx.db.update(staffKeys).set({ escrowWrapped: wrapWithEscrow(privateKey, escrow.publicKey, userId), escrowKeyId: escrow.id }).where(eq(staffKeys.userId, userId));
}
