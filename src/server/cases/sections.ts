import type { SectionName } from "../../shared/sections.js";

/**
 * Associated data for the encrypted rows of a case: ciphertext is bound to its case, table and
 * field, so a row moved to another case or column fails to decrypt. Who reads and writes each
 * section is declared in section-registry.ts.
 */
export type { SectionName };
export type Sections = Partial<Record<SectionName, Record<string, unknown>>>;

export const sectionContext = (caseId: string, section: SectionName) => ({ caseId, table: "case_sections", field: section });
export const messageContext = (caseId: string, messageId: string) => ({ caseId, table: "messages", field: "body", rowId: messageId });
export const eventReasonContext = (caseId: string, eventId: string) => ({ caseId, table: "case_events", field: "reason", rowId: eventId });
