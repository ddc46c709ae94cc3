import { z } from "zod";
import { CONTACTS, DEPLOYED, REGIONS, TIMINGS } from "../questionnaire.js";

/**
 * A logged phone call as the staff API takes it; the console's call form validates with the same
 * schema. The equipment codes come from the reward schedule (law as effective-dated data, read by
 * the server; the console keeps the list it offers): each side passes its list in.
 */
export function questionnaireSchemaFor(equipment: readonly [string, ...string[]]) {
  return z
    .object({
      groupSize: z.number().int().min(1).max(500),
      deployed: z.enum(DEPLOYED),
      region: z.enum(REGIONS),
      timing: z.enum(TIMINGS),
      equipment: z.array(z.enum(equipment)).max(20),
      contact: z.enum(CONTACTS),
    })
    .partial()
    .strict();
}

export function logCallBodySchemaFor(equipment: readonly [string, ...string[]]) {
  return z.object({
    calledAt: z.string().datetime({ offset: true }),
    direction: z.enum(["in", "out"]).default("in"),
    callbackNumber: z.string().trim().min(1).max(32).optional(),
    summary: z.string().trim().min(1).max(10_000),
    questionnaire: questionnaireSchemaFor(equipment).default({}),
    /** Join this case (the operator opened it); otherwise the caller's number decides, or a new case is opened. */
    caseId: z.string().uuid().optional(),
    callback: z.object({ dueAt: z.string().datetime({ offset: true }), assign: z.enum(["me", "team"]).default("me") }).optional(),
  });
}
