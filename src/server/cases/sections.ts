import type { Resource } from "../auth/policy.js";

/**
 * Encrypted sections of a case and the policy resource that guards each one: this is where
 * field-level access is decided (an operator reads contact details, not the rendezvous).
 */
export const SECTION_RESOURCE = {
  identity: "case_identity", // name, rank, unit, service number, date of birth
  contact: "case_contact", // phone, Telegram, WhatsApp, preferred channel
  questionnaire: "case", // group size, deployment, region, timing, equipment
  rendezvous: "rendezvous", // sector, coordinates, time window, signals: purged when the operation closes
} as const satisfies Record<string, Resource>;

export type SectionName = keyof typeof SECTION_RESOURCE;
export const SECTION_NAMES = Object.keys(SECTION_RESOURCE) as SectionName[];

export type Sections = Partial<Record<SectionName, Record<string, unknown>>>;

/** Associated data for a section: ciphertext is bound to its case, table and section. */
export const sectionContext = (caseId: string, section: SectionName) => ({ caseId, table: "case_sections", field: section });
export const messageContext = (caseId: string, messageId: string) => ({ caseId, table: "messages", field: "body", rowId: messageId });
export const eventReasonContext = (caseId: string, eventId: string) => ({ caseId, table: "case_events", field: "reason", rowId: eventId });
