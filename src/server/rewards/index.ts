/**
 * Rewards under law 7229 (issue 14): the schedule as effective-dated data, equipment claims, the
 * assessor and two approvers (three people), the chained ledger, the report.
 */
export { registerRewardRoutes } from "./routes.js";
export { createClaim, changeClaim, addOfficer, auditHidingOfSecretClaims } from "./claims.js";
export { assessClaim, approveClaim, rejectClaim } from "./flow.js";
export { recordPayment, recordReversal, recordCorrection } from "./payments.js";
export { verifyLedger, ledgerAnchorFile, readLedgerAnchor, writeLedgerAnchor } from "./ledger.js";
export { versionInForce, listSchedules, publicScheduleInForce } from "./schedule.js";
