import { and, eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { allow, authorize } from "../policy.js";
import { AppError, notFound } from "../errors.js";
import { decryptJson, encryptJson } from "../crypto/fields.js";
import { generateCaseKey } from "../crypto/case-keys.js";
import { openSealed, publicKeyOf, sealTo } from "../crypto/box.js";
import { wipe } from "../crypto/secure.js";
import { trustedStaffKeys } from "../keys/pinned.js";
import { findCase, recordChange } from "../cases/index.js";
import { users } from "../db/schema.js";
import type { Role } from "../../shared/roles.js";
import type { choiceWriteSchema } from "../../shared/registration.js";
import { powChoiceKeys, powChoices } from "./tables.js";

type ChoiceWrite = z.infer<typeof choiceWriteSchema>;
const choiceContext = (caseId: string) => ({ caseId, table: "pow_choices", field: "choice" });

/**
 * Record his choice (exchange, staying in Ukraine, a third country), with the date and his own
 * words. "Does not want to be exchanged" can cost him or his family dearly if it leaks, so it is
 * not under the case key (every team member of the case holds that) but under its own key, sealed
 * to the registrar who writes it, to those he names (registrars and resettlement officers only)
 * and to those who held it before. It is never listed, counted or exported.
 */
export async function recordChoice(ctx: AppContext, session: StaffSession, caseId: string, input: ChoiceWrite) {
  authorize(session.user, "pow_choice", "write");
  const row = await findCase(ctx, session.user, caseId, { resource: "pow_choice", action: "write" });
  if (row.state !== "registered_pow") throw new AppError("conflict", "his choice is recorded once he is registered as a prisoner of war");
  const named = [...new Set(input.shareWith.filter((id) => id !== session.user.id))];
  const people = named.length ? await ctx.db.select({ id: users.id, role: users.role }).from(users).where(and(inArray(users.id, named), isNull(users.disabledAt))) : [];
  const refused = named.filter((id) => !people.some((p) => p.id === id && allow(p.role as Role, "pow_choice", "read")));
  if (refused.length) throw new AppError("validation_failed", "his choice is shared only with registrars and resettlement officers", refused.map((id) => ({ path: "shareWith", message: id })));
  const before = (await ctx.db.select({ userId: powChoiceKeys.userId }).from(powChoiceKeys).where(eq(powChoiceKeys.caseId, caseId))).map((k) => k.userId);
  const recipients = await trustedStaffKeys(ctx.db, ctx.keys, [...new Set([session.user.id, ...named, ...before])]);
  const key = generateCaseKey();
  try {
    const { shareWith: _shared, ...value } = input;
    const ciphertext = encryptJson(key, choiceContext(caseId), value);
    await ctx.db.transaction(async (tx) => {
      await tx.insert(powChoices).values({ caseId, ciphertext, updatedAt: ctx.now(), updatedBy: session.user.id }).onConflictDoUpdate({ target: powChoices.caseId, set: { ciphertext, updatedAt: ctx.now(), updatedBy: session.user.id } });
      await tx.delete(powChoiceKeys).where(eq(powChoiceKeys.caseId, caseId));
      await tx.insert(powChoiceKeys).values(recipients.map((r) => ({ caseId, userId: r.userId, sealedKey: sealTo(r.publicKey, key) })));
      // The audit names who it is sealed to, never what he chose.
      await recordChange(ctx, tx, { actorId: session.user.id, action: "pow.choice_recorded", caseId, details: { sealedTo: recipients.length }, notify: null });
    });
    return { sealedTo: recipients.map((r) => r.userId).sort() };
  } finally {
    wipe(key);
  }
}

/** His choice, for a person it is sealed to; for anyone else "not found". Every read is audited. */
export async function readChoice(ctx: AppContext, session: StaffSession, caseId: string) {
  authorize(session.user, "pow_choice", "read");
  await findCase(ctx, session.user, caseId, { resource: "pow_choice", action: "read" });
  const [sealed] = await ctx.db.select().from(powChoiceKeys).where(and(eq(powChoiceKeys.caseId, caseId), eq(powChoiceKeys.userId, session.user.id)));
  const [row] = await ctx.db.select().from(powChoices).where(eq(powChoices.caseId, caseId));
  if (!sealed || !row) throw notFound("no choice recorded that is sealed to you");
  const key = openSealed(sealed.sealedKey, { publicKey: publicKeyOf(session.privateKey), privateKey: session.privateKey }, "choice key", true);
  try {
    const value = decryptJson(key, choiceContext(caseId), row.ciphertext) as Omit<ChoiceWrite, "shareWith">;
    await ctx.db.transaction((tx) => recordChange(ctx, tx, { actorId: session.user.id, action: "pow.choice_read", caseId, notify: null }));
    return { ...value, updatedAt: row.updatedAt };
  } finally {
    wipe(key);
  }
}
