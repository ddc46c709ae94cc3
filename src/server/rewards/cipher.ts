import { decryptJson, encryptJson } from "../crypto/fields.js";

/**
 * The encrypted fields of a claim and its ledger entries, under the case key, each bound to the
 * claim's row (so a ciphertext cannot be moved to another claim or field).
 */
const FIELDS = {
  identifying: "reward_claims",
  findings: "reward_claims",
  amount_reason: "reward_claims",
  rejection_reason: "reward_claims",
  payee: "reward_ledger",
  ledger_note: "reward_ledger",
} as const;
export type ClaimField = keyof typeof FIELDS;

const place = (claim: { id: string; caseId: string }, field: ClaimField) => ({ caseId: claim.caseId, table: FIELDS[field], field, rowId: claim.id });

export const sealClaimField = (caseKey: Buffer, claim: { id: string; caseId: string }, field: ClaimField, value: unknown) => encryptJson(caseKey, place(claim, field), value);
export const openClaimField = <T>(caseKey: Buffer, claim: { id: string; caseId: string }, field: ClaimField, stored: Buffer | null): T | null => (stored ? (decryptJson(caseKey, place(claim, field), stored) as T) : null);
