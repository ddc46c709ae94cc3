import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./types.js";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** TOTP secret, encrypted under the server key (never in clear in the database). */
    totpSecretEnc: bytea("totp_secret_enc"),
    totpEnabled: boolean("totp_enabled").notNull().default(false),
    /** Last accepted TOTP time step: a code is accepted once only. */
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_username_key").on(sql`lower(${t.username})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** Hash of the session id; the id itself lives only in the cookie. */
    idHash: bytea("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** "enrol": password accepted, TOTP not yet set up; may only enrol. "full": everything the role allows. */
    stage: text("stage").notNull(),
    /** The staff private key, encrypted under a secret that exists only in the session cookie. */
    wrappedKey: bytea("wrapped_key"),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** One-time links: the first admin's, and invitations. Only the token's hash is stored. */
export const setupTokens = pgTable("setup_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  tokenHash: bytea("token_hash").notNull().unique(),
  purpose: text("purpose").notNull(),
  role: text("role").notNull(),
  username: text("username"),
  teams: jsonb("teams").$type<string[]>(),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});

/**
 * Append-only, hash-chained audit log. A trigger (migration 0001) refuses UPDATE and DELETE;
 * the chain makes any change made around the trigger visible to `audit verify`.
 */
export const auditLog = pgTable("audit_log", {
  seq: bigint("seq", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true, mode: "string" }).notNull(),
  actorId: uuid("actor_id"),
  action: text("action").notNull(),
  subjectType: text("subject_type"),
  subjectId: text("subject_id"),
  details: jsonb("details").$type<Record<string, unknown>>().notNull(),
  prevHash: bytea("prev_hash").notNull(),
  hash: bytea("hash").notNull(),
});

/** The head of the audit chain: one row, locked while appending so the chain stays linear. */
export const auditHead = pgTable("audit_head", {
  id: integer("id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: bytea("hash").notNull(),
});

// ---------------------------------------------------------------- keys (issue: encryption at rest)

/**
 * A staff member's X25519 key pair. The private key is stored only wrapped: under the password
 * (Argon2id), under the printed recovery key, and optionally under the organisation escrow key.
 */
export const staffKeys = pgTable("staff_keys", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  publicKey: bytea("public_key").notNull(),
  passwordWrapped: text("password_wrapped").notNull(),
  recoveryWrapped: text("recovery_wrapped").notNull(),
  escrowWrapped: text("escrow_wrapped"),
  escrowKeyId: text("escrow_key_id"),
  /** MAC of (user id, public key) under a server sub-key: a database writer cannot swap in his own public key. */
  mac: bytea("mac"),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The organisation escrow public key. Its private key lives only as printed threshold shares. */
export const escrowKeys = pgTable("escrow_keys", {
  id: text("id").primaryKey(),
  publicKey: bytea("public_key").notNull(),
  shares: integer("shares").notNull(),
  threshold: integer("threshold").notNull(),
  active: boolean("active").notNull().default(true),
  /** MAC of the row under a server sub-key: an escrow key inserted by a database writer is ignored. */
  mac: bytea("mac"),
  createdAt: createdAt(),
});

/** Teams own cases. Each has a key pair; its private key is sealed to each member (team_members). */
export const teams = pgTable("teams", {
  id: text("id").primaryKey(), // intake, verification, coordination, registration, rewards, resettlement
  publicKey: bytea("public_key").notNull(),
  keyVersion: integer("key_version").notNull().default(1),
  /** MAC of (id, public key, version) under a server sub-key: nothing is sealed to a team key the server did not make. */
  mac: bytea("mac"),
  /** A member left or was disabled: the next key holder online rotates the team key (the server cannot). */
  rotationDue: boolean("rotation_due").notNull().default(false),
  createdAt: createdAt(),
});

/**
 * Membership, and the team private key sealed to the member's public key. `sealedKey` is null
 * while the grant waits for a key holder to come online: the server cannot seal a key it cannot read.
 */
export const teamMembers = pgTable(
  "team_members",
  {
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    sealedKey: bytea("sealed_key"),
    keyVersion: integer("key_version"),
    /** A custodian holds the team key to admit members, but is not a member: no case scope. */
    custodian: boolean("custodian").notNull().default(false),
    /** Who created the account (or reset its key) that waits here: he may not admit it (four eyes). */
    sponsorId: uuid("sponsor_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("team_members_pk").on(t.teamId, t.userId), index("team_members_user_idx").on(t.userId)],
);

// ---------------------------------------------------------------- cases

export const cases = pgTable(
  "cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Short public number for staff conversation ("case 1234"); says nothing about the applicant. */
    number: bigint("number", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    state: text("state").notNull(),
    channel: text("channel").notNull(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id),
    assignedUserId: uuid("assigned_user_id").references(() => users.id),
    mergedInto: uuid("merged_into"),
    /**
     * Keyed hash of the receipt code (index key outside the DB), cut to 4 bytes on purpose: it
     * narrows the search to a few rows, and the slow hash decides. Not unique.
     */
    receiptLookup: text("receipt_lookup"),
    /** Argon2id hash of the receipt code. */
    receiptHash: text("receipt_hash"),
    applicantSalt: bytea("applicant_salt"),
    applicantPublicKey: bytea("applicant_public_key"),
    /**
     * The case's own public key. Its private key is stored encrypted under the case key (section
     * "case_secret"). Anyone, the server included, can seal new content to the case (a Telegram
     * message arriving at night); only holders of the case key can read it.
     */
    publicKey: bytea("public_key"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
    lastOutboundAt: timestamp("last_outbound_at", { withTimezone: true }),
    unreadCount: integer("unread_count").notNull().default(0),
  },
  (t) => [index("cases_receipt_idx").on(t.receiptLookup), index("cases_state_idx").on(t.state, t.updatedAt), index("cases_team_idx").on(t.teamId, t.updatedAt), index("cases_assigned_idx").on(t.assignedUserId),
    // The dashboard's backlog counts only live cases; closed ones pile up for years: this index
    // holds just the live ones, so the count reads them alone (it scanned all 1M cases: 143 ms).
    index("cases_open_state_idx").on(t.state, t.channel).where(sql`${t.state} NOT IN ('closed', 'merged')`),
  ],
);

/** The case key sealed to one recipient: a team key, a staff member, or the applicant. */
export const caseGrants = pgTable(
  "case_grants",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    recipientType: text("recipient_type").notNull(), // team | staff | applicant
    recipientId: text("recipient_id").notNull(),
    keyVersion: integer("key_version").notNull().default(1),
    sealedKey: bytea("sealed_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("case_grants_pk").on(t.caseId, t.recipientType, t.recipientId), index("case_grants_recipient_idx").on(t.recipientType, t.recipientId)],
);

/**
 * Encrypted sections of a case (identity, contact, questionnaire, rendezvous…). A section is one
 * AEAD ciphertext bound to case, table and section name; field-level access is per section.
 */
export const caseSections = pgTable(
  "case_sections",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    section: text("section").notNull(),
    ciphertext: bytea("ciphertext").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("case_sections_pk").on(t.caseId, t.section)],
);

/** The thread: applicant messages, replies to him, internal notes. Bodies are encrypted. */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Arrival order across the whole store: the thread is shown in this order. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    direction: text("direction").notNull(), // in | out | note
    channel: text("channel").notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id),
    body: bytea("body").notNull(),
    /**
     * Set when the body was written without the case key (inbound on a channel): the body is
     * encrypted under a one-off message key, and this is that key sealed to the case public key.
     */
    sealedKey: bytea("sealed_key"),
    createdAt: createdAt(),
    /** For edited channel messages: the message this one replaces (the old text is kept). */
    replacesId: uuid("replaces_id"),
    deliveryState: text("delivery_state"), // for outbound on external channels: queued | sent | failed
  },
  (t) => [index("messages_case_idx").on(t.caseId, t.seq)],
);

/** Blind indexes (truncated keyed hashes) for duplicates and exact search over encrypted values. */
export const blindIndexes = pgTable(
  "blind_indexes",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
  },
  (t) => [uniqueIndex("blind_indexes_pk").on(t.caseId, t.kind, t.value), index("blind_indexes_lookup_idx").on(t.kind, t.value)],
);

/** Attachments live encrypted on disk; the row holds the file key encrypted under the case key. */
export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id),
    fileKey: bytea("file_key").notNull(),
    meta: bytea("meta").notNull(), // encrypted JSON: name, type
    /** As for messages: set when written without the case key (channel media). */
    sealedKey: bytea("sealed_key"),
    size: bigint("size", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_case_idx").on(t.caseId)],
);

/** Lifecycle history: who moved the case, when, from what to what. The reason is encrypted. */
export const caseEvents = pgTable(
  "case_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id),
    kind: text("kind").notNull(),
    fromState: text("from_state"),
    toState: text("to_state"),
    reason: bytea("reason"),
  },
  (t) => [index("case_events_case_idx").on(t.caseId, t.at)],
);
