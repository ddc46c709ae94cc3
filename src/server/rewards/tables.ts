import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, date, bigint, uniqueIndex } from "drizzle-orm/pg-core";
import { cases, users } from "../db/schema.js";
import { bytea } from "../db/types.js";
import { operations } from "../operations/tables.js";

/** One schedule row as the law writes it: whole currency units; min = max except for ranges. */
export interface ScheduleItem {
  code: string;
  label: string;
  min: number;
  max: number;
}

/**
 * The schedule of law 7229 as effective-dated versions. A version counts from its date once a
 * second administrator approved it; a claim is priced by the version in force on its handover day.
 */
export const rewardSchedules = pgTable(
  "reward_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    effectiveFrom: date("effective_from").notNull(),
    currency: text("currency").notNull(),
    source: text("source").notNull(),
    items: jsonb("items").$type<ScheduleItem[]>().notNull(),
    proposedBy: uuid("proposed_by").references(() => users.id),
    approvedBy: uuid("approved_by").references(() => users.id),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("reward_schedules_from_idx").on(t.effectiveFrom)],
);

/**
 * A claim for one piece of equipment. In clear: what the lists, the three-person rule and the
 * report need (type, state, amount, who did what, the days). Encrypted under the case key: the
 * identifying details and the inspection findings.
 */
export const rewardClaims = pgTable(
  "reward_claims",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
    operationId: uuid("operation_id").references(() => operations.id, { onDelete: "set null" }),
    scheduleId: uuid("schedule_id").notNull().references(() => rewardSchedules.id),
    equipmentCode: text("equipment_code").notNull(),
    handedOverOn: date("handed_over_on").notNull(),
    state: text("state").notNull(),
    secret: boolean("secret").notNull().default(false),
    identifying: bytea("identifying").notNull(),
    serviceability: text("serviceability"),
    inspectedOn: date("inspected_on"),
    findings: bytea("findings"),
    amountCents: bigint("amount_cents", { mode: "number" }),
    currency: text("currency").notNull(),
    /** The assessor's reason for an amount chosen within a range (encrypted: it may describe the machine). */
    amountReason: bytea("amount_reason"),
    rejectionReason: bytea("rejection_reason"),
    createdBy: uuid("created_by").notNull().references(() => users.id),
    assessedBy: uuid("assessed_by").references(() => users.id),
    firstApprovedBy: uuid("first_approved_by").references(() => users.id),
    secondApprovedBy: uuid("second_approved_by").references(() => users.id),
    rejectedBy: uuid("rejected_by").references(() => users.id),
    /** Bumped by every change, so an approval given to an earlier version cannot land on a later one. */
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reward_claims_case_idx").on(t.caseId), index("reward_claims_state_idx").on(t.state, t.handedOverOn)],
);

/** The reward officers on a secret claim: the only people who see it at all. */
export const rewardClaimOfficers = pgTable(
  "reward_claim_officers",
  {
    claimId: uuid("claim_id").notNull().references(() => rewardClaims.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.claimId, t.userId] })],
);

/**
 * The ledger: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and chained by a keyed
 * MAC (audit/chain.ts), its head anchored outside the database like the audit log's. Amounts are
 * signed cents: an approval and a payment are positive, a reversal undoes a payment, a correction
 * moves the approved amount either way. Balances are sums over these rows, never stored.
 */
export const rewardLedger = pgTable(
  "reward_ledger",
  {
    seq: integer("seq").primaryKey(),
    at: timestamp("at", { withTimezone: true, mode: "string" }).notNull(),
    claimId: uuid("claim_id").notNull(),
    kind: text("kind").notNull(),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    actorId: uuid("actor_id"),
    method: text("method"),
    reference: text("reference"),
    /** Payee details, encrypted under the case key. */
    payee: bytea("payee"),
    /** Why (a reversal's or a correction's reason), encrypted under the case key. */
    note: bytea("note"),
    prevHash: bytea("prev_hash").notNull(),
    hash: bytea("hash").notNull(),
  },
  (t) => [index("reward_ledger_claim_idx").on(t.claimId)],
);

export const rewardLedgerHead = pgTable("reward_ledger_head", {
  id: integer("id").primaryKey(),
  seq: integer("seq").notNull(),
  hash: bytea("hash").notNull(),
});

/**
 * Photos of the inspection, as encrypted attachments of the claim (issue 14, item 2). The file is
 * encrypted on disk under its own key (in the attachments directory, so backups carry it); the
 * file key and the name and type are encrypted under the case key, bound to this row. Kept apart
 * from the case's attachments so that a secret claim's photos are seen only by the officers on it.
 * NEEDS A MIGRATION (not yet written: the lead merges migrations).
 */
export const rewardClaimPhotos = pgTable(
  "reward_claim_photos",
  {
    id: uuid("id").primaryKey(),
    claimId: uuid("claim_id").notNull().references(() => rewardClaims.id, { onDelete: "cascade" }),
    fileKey: bytea("file_key").notNull(),
    meta: bytea("meta").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    addedBy: uuid("added_by").notNull().references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("reward_claim_photos_claim_idx").on(t.claimId)],
);
