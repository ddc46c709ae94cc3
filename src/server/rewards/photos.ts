import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { attachmentsDir, writeRecordedFile } from "../cases/index.js";
import { decryptField, decryptJson, encryptField, encryptJson, openDecryptedAttachment, wipe } from "../crypto/index.js";
import { AppError, notFound } from "../errors.js";
import { ASSESS_CLAIM, READ_CLAIM, visibleClaim, withClaim } from "./access.js";
import { auditClaim } from "./claims.js";
import { users } from "../db/schema.js";
import { rewardClaimPhotos } from "./tables.js";

const metaSchema = z.object({ name: z.string().max(255), type: z.string().max(100) });
export type PhotoMeta = z.infer<typeof metaSchema>;
const place = (caseId: string, id: string, field: "file_key" | "meta") => ({ caseId, table: "reward_claim_photos", field, rowId: id });

/**
 * A photo of the inspection, added while the claim is under inspection: what the assessor and
 * the two approvers see is then what they sign off (a photo after assessment would be a change
 * their approvals did not cover). Encrypted as it streams in; audited by id, never by name.
 */
export async function addClaimPhoto(ctx: AppContext, session: StaffSession, claimId: string, source: Readable | AsyncIterable<Uint8Array>, meta: PhotoMeta) {
  return withClaim(ctx, session, claimId, ASSESS_CLAIM, async (claim, caseKey) => {
    if (claim.state !== "inspection") throw new AppError("conflict", "photos are added during the inspection, before the assessment");
    const id = randomUUID();
    return writeRecordedFile(ctx, id, source, "photos", async (written) => {
      await ctx.db.transaction(async (tx) => {
        // Locked and read again: an assessment that landed while the file streamed in wins.
        const now = await visibleClaim(tx, session.user, claimId, ASSESS_CLAIM, true);
        if (now.state !== "inspection") throw new AppError("conflict", "the claim was assessed meanwhile");
        await tx.insert(rewardClaimPhotos).values({
          id,
          claimId,
          fileKey: encryptField(caseKey, place(claim.caseId, id, "file_key"), written.fileKey),
          meta: encryptJson(caseKey, place(claim.caseId, id, "meta"), metaSchema.parse(meta)),
          size: written.size,
          addedBy: session.user.id,
          createdAt: ctx.now(),
        });
        await auditClaim(ctx, tx, session.user.id, "photo_added", now, { photo: id, size: written.size });
      });
      return { id, size: written.size };
    });
  });
}

/**
 * The photos of a claim its reader may see, with their names (decrypted) and who added each (the
 * approvers sign off the assessor's evidence, so they see whose it is); audited (how many, never which).
 */
export async function listClaimPhotos(ctx: AppContext, session: StaffSession, claimId: string) {
  return withClaim(ctx, session, claimId, READ_CLAIM, async (claim, caseKey) => {
    const rows = await ctx.db
      .select({ row: rewardClaimPhotos, addedBy: users.displayName })
      .from(rewardClaimPhotos)
      .leftJoin(users, eq(users.id, rewardClaimPhotos.addedBy))
      .where(eq(rewardClaimPhotos.claimId, claimId))
      .orderBy(asc(rewardClaimPhotos.createdAt));
    const out = rows.map(({ row: r, addedBy }) => ({ id: r.id, size: r.size, createdAt: r.createdAt.toISOString(), addedBy, ...metaSchema.parse(decryptJson(caseKey, place(claim.caseId, r.id, "meta"), r.meta)) }));
    await ctx.db.transaction((tx) => auditClaim(ctx, tx, session.user.id, "photos_listed", claim, { count: out.length }));
    return out;
  });
}

/** One photo as a decrypting stream (it fails if the file was cut or altered); audited by id. Only the file key outlives the case key. */
export async function openClaimPhoto(ctx: AppContext, session: StaffSession, claimId: string, photoId: string) {
  return withClaim(ctx, session, claimId, READ_CLAIM, async (claim, caseKey) => {
    const [row] = await ctx.db.select().from(rewardClaimPhotos).where(and(eq(rewardClaimPhotos.claimId, claimId), eq(rewardClaimPhotos.id, photoId)));
    if (!row) throw notFound("no such photo");
    const fileKey = decryptField(caseKey, place(claim.caseId, row.id, "file_key"), row.fileKey);
    const meta = metaSchema.parse(decryptJson(caseKey, place(claim.caseId, row.id, "meta"), row.meta));
    const stream = openDecryptedAttachment(path.join(attachmentsDir(ctx), row.id), fileKey);
    stream.once("close", () => wipe(fileKey));
    await ctx.db.transaction((tx) => auditClaim(ctx, tx, session.user.id, "photo_opened", claim, { photo: photoId }));
    return { stream, meta, size: row.size };
  });
}
