/**
 * The case core: the one door through which every other part of the server works on cases
 * (channels, intake, the demo, and the domain folders to come: verification, rendezvous,
 * registration, rewards...). The boundary lint (.dependency-cruiser.cjs) refuses an import of any
 * other file of this folder from outside it.
 *
 *   find a case where the user may see it ... findCase, findVisibleCase, caseScope (not found = not allowed)
 *   open the case key ...................... withCaseKey, openCaseKeyFor, caseKeyring
 *   read and write a section ............... readSections, readApplicantSection, writeSection, SECTIONS
 *   move it ................................ transitionCase (transitionCaseIn in a transaction), moveCase, registerGuard, registerEffect
 *   record a change ........................ recordChange (audit row + timeline event + live update, one transaction)
 *   mark it in lists and the case view ...... registerCaseFlag (a bare yes/no, e.g. "needs verification")
 */
export { caseScope, findCase, findVisibleCase, withCaseKey, withCaseKeys, openCaseKeyFor, auditCaseRefusal, LIST_CASES, READ_CASE, type CaseAccess } from "./access.js";
export { caseKeyring, sealedWriteKey } from "./case-cipher.js";
export { SECTIONS, readSections, readApplicantSection, readableSections, applicantFields, writeSection, type SectionValues } from "./section-registry.js";
export { transitionCase, transitionCaseIn, moveCase, registerGuard, registerEffect, type Guard, type Effect, type MoveContext } from "./transitions.js";
export { recordChange, type CaseChange } from "./change.js";
export { registerCaseFlag } from "./flags.js";
export { caseEventBus, stopCaseEventBus, type CaseEventType } from "./events.js";
export { messageContext, type Sections, type SectionName } from "./sections.js";

// Commands of the case work itself.
export { recordIntake, blindIndexRows, type IntakeInput, type IntakeResult } from "./intake.js";
export { appendInboundMessage, insertSealedMessage } from "./inbound.js";
export { addStaffMessage, writeStaffMessage, wakeReplies, readThread, readThreadPage, readOneMessage, type ThreadPage, type StaffMessageOptions } from "./thread.js";
export { useReplyDispatch, type ReplyDispatch, type ReplyInput } from "./reply-dispatch.js";
export { applicantSide, useApplicantSide, type ApplicantSide, type ConfirmVia } from "./applicant-side.js";
export { assignCase } from "./lifecycle.js";
export { mergeCase, resolveMerged } from "./merge.js";
export { attachmentsDir, storeAttachment, writeRecordedFile, MAX_ATTACHMENT_BYTES } from "./attachments.js";
export { readSla } from "./sla.js";

// The HTTP routes, for the app to mount.
export { registerCaseRoutes } from "./routes.js";
