import type { Role } from "../shared/roles.js";
import { AppError } from "./errors.js";

/**
 * Who may do what, on which kind of record: the one policy table of Safe Passage.
 *
 * A grant is `false`, `"all"` (every record of that kind) or `"scoped"` (only records of the
 * person's teams or assigned to them; the query applies the scope, so a record outside it is
 * simply "not found"). The `satisfies` clause makes a role, resource or action left out of the
 * table a compile error.
 */
export const RESOURCES = {
  staff: ["list", "invite", "disable", "set_role", "reset_2fa"],
  // manage: put accounts on a team's admission list or take them off (account management);
  // admit: seal the team key to a waiting member (key custody, a team member's duty, four eyes).
  team: ["read", "manage", "admit"],
  audit: ["read", "verify"],
  // `transition` opens the transition command at all; each move of the declared table
  // (src/shared/case-states.ts) also needs its own stage grant: triage, verify, plan or register.
  case: ["list", "read", "create", "assign", "transition", "triage", "verify", "plan", "register", "merge", "reply", "note"],
  case_questionnaire: ["read", "write"],
  case_identity: ["read", "write"],
  case_contact: ["read", "write"],
  rendezvous: ["read", "write"],
  // export: the information bureau's list (Art. 122); approve_export: the second registrar's yes to it.
  pow_registration: ["read", "write", "export", "approve_export"],
  // His choice (exchange, stay, third country): need-to-know, sealed to the named people on it.
  pow_choice: ["read", "write"],
  reward_claim: ["read", "assess", "approve"],
  // pay: record a payment, reversal or correction on the ledger; report: the non-identifying totals.
  reward_ledger: ["pay", "report"],
  // The law's schedule: everyone reads it; one administrator enters a new version, another approves it.
  reward_schedule: ["read", "propose", "approve"],
  resettlement: ["read", "write"],
  // record_event: mark a day (a campaign, an operation, an outage) on the charts and estimate its effect.
  analytics: ["read", "record_event"],
  canned_reply: ["read", "manage"],
  settings: ["manage"],
  // read: the rules and the dry run; propose/approve: a change of a rule (two different people);
  // hold: place or lift a legal hold.
  retention: ["read", "propose", "approve", "hold"],
  // Verification (issue 11): a verifier reads the queue and reviews; a supervisor decides a
  // disagreement or signs off a high-risk verdict; an admin sets the rules. watchlist: see the
  // entries and add one by hand; unlist: take one off (a supervisor, with a reason).
  verification: ["read", "review", "decide", "watchlist", "unlist", "configure"],
} as const;

export type Resource = keyof typeof RESOURCES;
export type Action<R extends Resource> = (typeof RESOURCES)[R][number];
export type Grant = false | "scoped" | "all";
type RoleTable = { [R in Resource]: { [A in Action<R>]: Grant } };

const none = <R extends Resource>(r: R) =>
  Object.fromEntries(RESOURCES[r].map((a) => [a, false])) as { [A in Action<R>]: Grant };

const NO_CASE_WORK = {
  case: none("case"),
  case_questionnaire: none("case_questionnaire"),
  case_identity: none("case_identity"),
  case_contact: none("case_contact"),
  rendezvous: none("rendezvous"),
  pow_registration: none("pow_registration"),
  pow_choice: none("pow_choice"),
  reward_claim: none("reward_claim"),
  reward_ledger: none("reward_ledger"),
  resettlement: none("resettlement"),
};

const CASE_WORKER_BASE = {
  // Every case worker hands cases on within his scope (a coordinator to registration, and so on).
  // Moving a case is a stage's own decision: each role gets the stage grant of its work below.
  case: { list: "scoped", read: "scoped", create: false, assign: "scoped", transition: "scoped", triage: false, verify: false, plan: false, register: false, merge: false, reply: false, note: "scoped" },
  // The applicant's answers: every case worker reads them; those who talk to him or check him amend them.
  case_questionnaire: { read: "scoped", write: false },
  staff: none("staff"),
  team: { read: "all", manage: false, admit: "scoped" },
  audit: none("audit"),
  analytics: none("analytics"),
  canned_reply: { read: "all", manage: false },
  settings: none("settings"),
  retention: none("retention"),
  verification: none("verification"),
  reward_ledger: none("reward_ledger"),
  reward_schedule: { read: "all", propose: false, approve: false },
} as const;

export const POLICY = {
  operator: {
    ...CASE_WORKER_BASE,
    case: { ...CASE_WORKER_BASE.case, create: "all", triage: "scoped", merge: "scoped", reply: "scoped" },
    case_questionnaire: { read: "scoped", write: "scoped" },
    // An operator talks to the applicant: contact details yes, rendezvous no.
    case_identity: { read: "scoped", write: "scoped" },
    case_contact: { read: "scoped", write: "scoped" },
    rendezvous: { read: false, write: false },
    pow_registration: { read: false, write: false, export: false, approve_export: false },
    pow_choice: { read: false, write: false },
    reward_claim: { read: false, assess: false, approve: false },
    resettlement: { read: false, write: false },
  },
  verifier: {
    ...CASE_WORKER_BASE,
    // The verdict itself goes through verification's two reviews (a guard refuses a plain move).
    case: { ...CASE_WORKER_BASE.case, triage: "scoped", verify: "scoped", merge: "scoped" },
    case_questionnaire: { read: "scoped", write: "scoped" },
    case_identity: { read: "scoped", write: "scoped" },
    case_contact: { read: "scoped", write: false },
    // He adds what he learns (a number a provocation used elsewhere) and reads the entries the team key opens.
    verification: { ...none("verification"), read: "scoped", review: "scoped", watchlist: "all" },
    rendezvous: { read: false, write: false },
    pow_registration: { read: false, write: false, export: false, approve_export: false },
    pow_choice: { read: false, write: false },
    reward_claim: { read: false, assess: false, approve: false },
    resettlement: { read: false, write: false },
  },
  coordinator: {
    ...CASE_WORKER_BASE,
    case: { ...CASE_WORKER_BASE.case, plan: "scoped", reply: "scoped" },
    case_identity: { read: "scoped", write: false },
    case_contact: { read: "scoped", write: false },
    rendezvous: { read: "scoped", write: "scoped" },
    pow_registration: { read: false, write: false, export: false, approve_export: false },
    pow_choice: { read: false, write: false },
    reward_claim: { read: false, assess: false, approve: false },
    resettlement: { read: false, write: false },
  },
  registrar: {
    ...CASE_WORKER_BASE,
    case: { ...CASE_WORKER_BASE.case, register: "scoped" },
    case_identity: { read: "scoped", write: "scoped" },
    case_contact: { read: false, write: false },
    rendezvous: { read: false, write: false },
    pow_registration: { read: "scoped", write: "scoped", export: "scoped", approve_export: "scoped" },
    pow_choice: { read: "scoped", write: "scoped" },
    reward_claim: { read: false, assess: false, approve: false },
    resettlement: { read: false, write: false },
  },
  reward_officer: {
    ...CASE_WORKER_BASE,
    reward_ledger: { pay: "scoped", report: "all" },
    case: { ...CASE_WORKER_BASE.case, transition: false },
    case_identity: { read: "scoped", write: false },
    case_contact: { read: false, write: false },
    rendezvous: { read: false, write: false },
    pow_registration: { read: "scoped", write: false, export: false, approve_export: false },
    pow_choice: { read: false, write: false },
    reward_claim: { read: "scoped", assess: "scoped", approve: "scoped" },
    resettlement: { read: false, write: false },
  },
  resettlement_officer: {
    ...CASE_WORKER_BASE,
    case: { ...CASE_WORKER_BASE.case, transition: false },
    case_identity: { read: "scoped", write: false },
    case_contact: { read: "scoped", write: false },
    rendezvous: { read: false, write: false },
    pow_registration: { read: "scoped", write: false, export: false, approve_export: false },
    pow_choice: { read: "scoped", write: false },
    reward_claim: { read: false, assess: false, approve: false },
    resettlement: { read: "scoped", write: "scoped" },
  },
  // Sees the queue and the numbers, not identities.
  supervisor: {
    ...NO_CASE_WORK,
    case: { ...none("case"), list: "all", assign: "all" },
    staff: { list: "all", invite: false, disable: false, set_role: false, reset_2fa: false },
    team: { read: "all", manage: false, admit: false },
    audit: { read: "all", verify: false },
    analytics: { read: "all", record_event: "all" },
    canned_reply: { read: "all", manage: false },
    settings: none("settings"),
    // A supervisor sees what will be destroyed and can stop it for a case; the rules are the administrators'.
    retention: { read: "all", propose: false, approve: false, hold: "all" },
    // Decides on reason codes and the risk factors, never on case content (he reads none).
    verification: { ...none("verification"), read: "all", decide: "all", watchlist: "all", unlist: "all" },
    reward_ledger: { pay: false, report: "all" },
    reward_schedule: { read: "all", propose: false, approve: false },
  },
  // Runs accounts, keys and audit; reads no case content.
  admin: {
    ...NO_CASE_WORK,
    staff: { list: "all", invite: "all", disable: "all", set_role: "all", reset_2fa: "all" },
    team: { read: "all", manage: "all", admit: false },
    audit: { read: "all", verify: "all" },
    analytics: { read: "all", record_event: false },
    canned_reply: { read: "all", manage: "all" },
    settings: { manage: "all" },
    // The command refuses an administrator deciding on his own proposal.
    retention: { read: "all", propose: "all", approve: "all", hold: "all" },
    verification: { ...none("verification"), configure: "all" },
    // The command refuses an administrator approving the version he entered.
    reward_schedule: { read: "all", propose: "all", approve: "all" },
  },
} as const satisfies Record<Role, RoleTable>;

export function allow<R extends Resource>(role: Role, resource: R, action: Action<R>): Grant {
  const table = POLICY[role] as RoleTable;
  return table[resource][action];
}

/** Throws `forbidden` unless the role holds some grant; returns the grant for scoping queries. */
export function authorize<R extends Resource>(user: { role: Role }, resource: R, action: Action<R>): Exclude<Grant, false> {
  const grant = allow(user.role, resource, action);
  if (!grant) throw new AppError("forbidden", `not allowed: ${resource}.${action}`);
  return grant;
}
