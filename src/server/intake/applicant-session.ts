import { and, eq, isNotNull, lt, or } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { caseGrants, cases } from "../db/schema.js";
import { deriveApplicantKeyPair, normaliseReceiptCode, receiptLookupKey, verifyReceiptCandidates } from "../crypto/receipt.js";
import { openCaseKey } from "../crypto/case-keys.js";
import { resumeSession, startSession } from "../crypto/session-keys.js";
import { isCryptoError } from "../crypto/errors.js";
import { wipe } from "../crypto/secure.js";
import { recordChange } from "../cases/index.js";
import { applicantSessions } from "./tables.js";

export const APPLICANT_COOKIE = "sp_applicant";
/** Idle limit: a phone left on a table closes the conversation by itself. */
export const APPLICANT_IDLE_MINUTES = 20;
const APPLICANT_ABSOLUTE_HOURS = 2;

export interface ApplicantSession {
  idHash: Buffer;
  caseId: string;
  /** The case key, for this request only (secure memory): wipe it when the request is done. */
  caseKey: Buffer;
}

/**
 * Start an applicant session for a case whose key the caller holds. Returns the cookie value;
 * the row keeps only the id hash and the case key wrapped under the cookie's secret. Expired rows
 * are removed here too, so the table stays small without a job of its own.
 */
export async function startApplicantSession(ctx: AppContext, caseId: string, caseKey: Buffer): Promise<string> {
  const now = ctx.now();
  const s = startSession(caseKey);
  await ctx.db.delete(applicantSessions).where(or(lt(applicantSessions.expiresAt, now), lt(applicantSessions.lastSeenAt, new Date(now.getTime() - APPLICANT_IDLE_MINUTES * 60_000))));
  await ctx.db.insert(applicantSessions).values({
    idHash: Buffer.from(s.sessionIdHash, "hex"),
    caseId,
    wrappedKey: s.wrapped,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + APPLICANT_ABSOLUTE_HOURS * 3600_000),
  });
  return s.cookieValue;
}

/** The session behind a cookie, or null (no cookie, malformed, unknown, idle too long, expired: all alike). */
export async function resumeApplicantSession(ctx: AppContext, cookieValue: string | undefined): Promise<ApplicantSession | null> {
  if (!cookieValue) return null;
  const now = ctx.now();
  let row: typeof applicantSessions.$inferSelect | undefined;
  const opened = await resumeSession(cookieValue, async (hashHex) => {
    [row] = await ctx.db.select().from(applicantSessions).where(eq(applicantSessions.idHash, Buffer.from(hashHex, "hex")));
    return row?.wrappedKey ?? null;
  });
  if (!opened || !row) return null;
  const idle = now.getTime() - row.lastSeenAt.getTime() >= APPLICANT_IDLE_MINUTES * 60_000;
  if (idle || now >= row.expiresAt) {
    wipe(opened.privateKey);
    await ctx.db.delete(applicantSessions).where(eq(applicantSessions.idHash, row.idHash));
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await ctx.db.update(applicantSessions).set({ lastSeenAt: now }).where(eq(applicantSessions.idHash, row.idHash));
  }
  return { idHash: row.idHash, caseId: row.caseId, caseKey: opened.privateKey };
}

export async function endApplicantSession(ctx: AppContext, idHash: Buffer): Promise<void> {
  await ctx.db.delete(applicantSessions).where(eq(applicantSessions.idHash, idHash));
}

export type ReceiptOutcome = { kind: "malformed" } | { kind: "refused" } | { kind: "opened"; caseId: string; caseKey: Buffer };

/**
 * Come back with a receipt code. A wrong code and an unknown code take the same path and the same
 * time: the lookup key finds candidate rows (usually none or one), and verifyReceiptCandidates
 * always runs one Argon2 verification per candidate, or one against a dummy hash when there is
 * none. Only then, for the right code, the applicant key pair is derived and opens his grant.
 * A malformed code is answered at once: its shape is public, so that says nothing.
 */
export async function openCaseWithReceipt(ctx: AppContext, code: string): Promise<ReceiptOutcome> {
  if (normaliseReceiptCode(code) === null) return { kind: "malformed" };
  const lookup = receiptLookupKey(code, ctx.keys.subkey("index"));
  const candidates = lookup
    ? await ctx.db
        .select({ id: cases.id, receiptHash: cases.receiptHash, applicantSalt: cases.applicantSalt })
        .from(cases)
        .where(and(eq(cases.receiptLookup, lookup), isNotNull(cases.receiptHash), isNotNull(cases.applicantSalt)))
    : [];
  const match = await verifyReceiptCandidates(
    code,
    candidates.map((c) => ({ ...c, receiptHash: c.receiptHash! })),
  );
  if (!match) return { kind: "refused" };

  const [grant] = await ctx.db
    .select({ sealedKey: caseGrants.sealedKey })
    .from(caseGrants)
    .where(and(eq(caseGrants.caseId, match.id), eq(caseGrants.recipientType, "applicant"), eq(caseGrants.recipientId, match.id)));
  if (!grant) {
    ctx.log.warn({ caseId: match.id }, "receipt code verified but the case has no applicant grant");
    return { kind: "refused" };
  }
  const pair = await deriveApplicantKeyPair(code, match.applicantSalt!);
  let caseKey: Buffer;
  try {
    caseKey = openCaseKey(grant.sealedKey, pair.publicKey, pair.privateKey);
  } catch (err) {
    if (!isCryptoError(err)) throw err;
    ctx.log.warn({ caseId: match.id }, "receipt code verified but the applicant grant did not open");
    return { kind: "refused" };
  } finally {
    wipe(pair.privateKey);
  }
  try {
    await ctx.db.transaction((tx) =>
      recordChange(ctx, tx, { actorId: null, action: "case.applicant_signed_in", caseId: match.id, details: { channel: "web" }, notify: null }),
    );
  } catch (err) {
    wipe(caseKey);
    throw err;
  }
  return { kind: "opened", caseId: match.id, caseKey };
}
