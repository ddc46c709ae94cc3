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
