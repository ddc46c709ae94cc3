import { decryptJson, encryptJson } from "../crypto/fields.js";
import type { RecordField, RecordValues } from "../../shared/registration.js";

/** What is stored, encrypted: the values, which of them the registrar confirmed, and the family's consent. */
export interface StoredRecord {
  values: RecordValues;
  confirmed: RecordField[];
  familyConsent: boolean;
}
const recordContext = (caseId: string) => ({ caseId, table: "pow_records", field: "record" });

export const sealRecord = (caseKey: Buffer, caseId: string, r: StoredRecord) => encryptJson(caseKey, recordContext(caseId), r);
export const openRecord = (caseKey: Buffer, caseId: string, ciphertext: Buffer) => decryptJson(caseKey, recordContext(caseId), ciphertext) as StoredRecord;

