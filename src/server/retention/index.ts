/**
 * Retention: how long the hotline keeps what, and the destruction when the time is up. Rules are
 * data changed with four eyes, a legal hold stops them, the daily job crypto-shreds what is due
 * and leaves only non-identifying tombstones; `safe-passage retention run [--dry-run]` does the
 * same from the command line.
 */
export { registerRetentionRoutes } from "./routes.js";
export { runRetention, type RetentionRun } from "./run.js";
export { readRules, proposeRuleChange } from "./rules.js";
export { placeHold } from "./holds.js";
