import { index, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.js";
import { cases } from "../db/schema.js";

/**
 * An applicant's short session on the public site, after he submits a request or comes back with
 * his receipt code. The cookie holds the session id and a secret; the row holds only the id's
 * hash and the case key wrapped under that secret (crypto/session-keys.ts). So a stolen table
 * opens nothing, and the receipt code itself is stored nowhere.
 */
export const applicantSessions = pgTable(
  "applicant_sessions",
  {
    idHash: bytea("id_hash").primaryKey(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    /** The case key, encrypted under the secret that only the cookie carries. */
    wrappedKey: bytea("wrapped_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("applicant_sessions_case_idx").on(t.caseId), index("applicant_sessions_expiry_idx").on(t.expiresAt)],
);

/**
 * Form tokens already used (form-token.ts): the proof-of-work challenge of each is spent once, in
 * every instance and across restarts, and a request form's token remembers that it produced a
 * request, so that a reload of the receipt page answers "already sent" instead of opening a
 * second case. Only the token's random id is kept: no case, no code, no address. A row lives
 * until `expiresAt`; expired rows are removed as new ones come in (spent-tokens.ts).
 */
export const intakeSpentTokens = pgTable(
  "intake_spent_tokens",
  {
    id: bytea("id").primaryKey(),
    /** When it produced a committed request; null while the request is being recorded or for a code check. */
    doneAt: timestamp("done_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("intake_spent_tokens_expiry_idx").on(t.expiresAt)],
);
