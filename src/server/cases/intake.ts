import { randomUUID } from "node:crypto";
import type { AppContext } from "../context.js";
import { blindIndexes, caseGrants, caseSections, cases, messages } from "../db/schema.js";
import { trustedTeamKeys } from "../keys/pinned.js";
import { generateCaseKey, sealCaseKey } from "../crypto/case-keys.js";
import { encryptField } from "../crypto/fields.js";
import { blindIndexAsync, nameTokenIndexes, type BlindIndexKind } from "../crypto/blind-index.js";
import { deriveApplicantKeyPair, generateApplicantSalt, generateReceiptCode, generateReceiptWords, hashReceiptCode, receiptLookupKey } from "../crypto/receipt.js";
import { secureCopy, wipe } from "../crypto/secure.js";
import type { Channel } from "../../shared/case-states.js";
import { messageContext, type Sections } from "./sections.js";
import { newCaseKeyPair } from "./case-cipher.js";
import { recordChange } from "./change.js";
import { encryptSectionRows } from "./section-registry.js";

export interface IntakeInput {
  channel: Channel;
  sections: Sections;
  /** The applicant's first message, if any. */
  message?: string;
  /** Values to blind-index for duplicates and search (never stored in clear). */
  identifiers?: Partial<Record<Exclude<BlindIndexKind, "receipt" | "name_token">, string>>;
  /** Give the applicant a receipt code (web intake): digits, or seven words. */
  receipt?: "digits" | "words";
  /** Hand back a copy of the case key (secure memory; the caller wipes it), e.g. to open the applicant's session. */
  keepCaseKey?: boolean;
}

export interface IntakeResult {
  caseId: string;
  receiptCode: string | null;
  /** Only with `keepCaseKey`: a copy of the case key in secure memory; the caller must wipe it. */
  caseKey?: Buffer;
}

/**
 * Record a new request as a case. Everything identifying is encrypted under a fresh case key,
 * which is sealed to the intake team's public key (and to the applicant's, derived from his
 * receipt code): the server writes what it cannot read back. One transaction, committed before
 * the caller acknowledges anything.
 */
export async function recordIntake(ctx: AppContext, input: IntakeInput): Promise<IntakeResult> {
  const caseId = randomUUID();
  const caseKey = generateCaseKey();
  try {
    const receipt = input.receipt ? await prepareReceipt(ctx, input.receipt) : null;
    const [intake] = await trustedTeamKeys(ctx.db, ctx.keys, ["intake"]);
    if (!intake) throw new Error("the intake team has no key yet: create the first administrator first");

    const sectionRows: { caseId: string; section: string; ciphertext: Buffer }[] = encryptSectionRows(caseId, caseKey, input.sections);
    const casePair = newCaseKeyPair(caseKey, caseId);
    sectionRows.push(casePair.section);
    const messageId = randomUUID();
    const indexes = await blindIndexRows(ctx, caseId, input.identifiers ?? {});
    const now = ctx.now();

    await ctx.db.transaction(async (tx) => {
      await tx.insert(cases).values({
        id: caseId,
        state: "new",
        channel: input.channel,
        teamId: "intake",
        receiptLookup: receipt?.lookup ?? null,
        receiptHash: receipt?.hash ?? null,
        applicantSalt: receipt?.salt ?? null,
        applicantPublicKey: receipt?.publicKey ?? null,
        publicKey: casePair.publicKey,
        createdAt: now,
        updatedAt: now,
        lastInboundAt: input.message ? now : null,
        unreadCount: input.message ? 1 : 0,
      });
      await tx.insert(caseGrants).values({ caseId, recipientType: "team", recipientId: "intake", keyVersion: intake.keyVersion, sealedKey: sealCaseKey(caseKey, intake.publicKey) });
      if (receipt) await tx.insert(caseGrants).values({ caseId, recipientType: "applicant", recipientId: caseId, sealedKey: sealCaseKey(caseKey, receipt.publicKey) });
      // The case clock, not the database's: a section's age is compared with verdicts made on ctx.now().
      await tx.insert(caseSections).values(sectionRows.map((r) => ({ ...r, updatedAt: now })));
      if (input.message) {
        await tx.insert(messages).values({ id: messageId, caseId, direction: "in", channel: input.channel, body: encryptField(caseKey, messageContext(caseId, messageId), input.message), createdAt: now });
      }
      if (indexes.length) await tx.insert(blindIndexes).values(indexes).onConflictDoNothing();
      await recordChange(ctx, tx, { actorId: null, action: "case.created", caseId, details: { channel: input.channel }, notify: "case.created" });
    });
    return { caseId, receiptCode: receipt?.code ?? null, ...(input.keepCaseKey ? { caseKey: secureCopy(caseKey) } : {}) };
  } finally {
    wipe(caseKey);
  }
}

/** The receipt code's slow hash, its lookup key and the applicant key pair derived from it. */
async function prepareReceipt(ctx: AppContext, kind: "digits" | "words") {
  const code = kind === "digits" ? generateReceiptCode() : generateReceiptWords();
  const salt = generateApplicantSalt();
  const [hash, pair] = await Promise.all([hashReceiptCode(code), deriveApplicantKeyPair(code, salt)]);
  wipe(pair.privateKey);
  return { code, salt, hash, publicKey: pair.publicKey, lookup: receiptLookupKey(code, ctx.keys.subkey("index")) };
}

/**
 * The blind-index rows of a case's identifiers. The slow kinds (phone, Telegram, service number)
 * are each an Argon2id run: they run on the Argon2 lane's threads, side by side, never on the event loop,
 * where one intake's three runs held every other request (the applicant site's too) for tens of ms.
 */
export async function blindIndexRows(ctx: AppContext, caseId: string, identifiers: IntakeInput["identifiers"] & object) {
  const key = ctx.keys.subkey("index");
  const given = Object.entries(identifiers).filter((e): e is [string, string] => Boolean(e[1]));
  const values = await Promise.all(given.map(([kind, value]) => blindIndexAsync(key, kind as BlindIndexKind, value)));
  const rows: { caseId: string; kind: string; value: string }[] = [];
  given.forEach(([kind, value], i) => {
    const v = values[i];
    if (v) rows.push({ caseId, kind, value: v });
    if (kind === "name") for (const t of nameTokenIndexes(key, value)) rows.push({ caseId, kind: "name_token", value: t });
  });
  return rows;
}
