import type { AppContext } from "../context.js";
import { AppError } from "../errors.js";
import { scheduleOn } from "../intake/choices.js";
import { CATALOGS } from "../intake/i18n.js";

/**
 * What he is to bring is named by the reward schedule's codes, so that the reward officer later
 * sees what was expected in the words of the claim. A code counts when it is in the version in
 * force on the handover day (the day a claim for it is checked against) and the applicant's
 * catalog names it: a type a later version adds is refused until the instructions can say it in
 * Russian (the note carries it meanwhile), as the request form refuses it until it learns it.
 */
export async function checkEquipment(ctx: AppContext, day: string, codes: string[]): Promise<void> {
  if (!codes.length) return;
  const inForce = new Set((await scheduleOn(ctx, day)).items.map((i) => i.code));
  const unknown = codes.filter((c) => !inForce.has(c));
  if (unknown.length) {
    throw new AppError("validation_failed", `not an equipment type of the reward schedule in force on ${day}`, unknown.map((c) => ({ path: "equipment", message: `unknown code ${c}` })));
  }
  const names = CATALOGS.ru.operations.equipment as Record<string, string>;
  const unnamed = codes.filter((c) => !names[c]);
  if (unnamed.length) {
    throw new AppError("validation_failed", "the applicant's instructions cannot name this equipment type yet: write it in the note", unnamed.map((c) => ({ path: "equipment", message: `no Russian name for ${c}` })));
  }
}
