import { date, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea } from "../db/types.js";
import { cases, users } from "../db/schema.js";

const caseRef = () => uuid("case_id").notNull().references(() => cases.id, { onDelete: "cascade" });

/**
 * A case's resettlement file: one row, so two officers starting it at once cannot make two keys
 * (the second insert conflicts). Everything in it is under the file's own key, not the case key:
 * a case's team holds the case key, and his family's whereabouts are for the officers on it only.
 */
export const resettlementFiles = pgTable("resettlement_files", {
  caseId: caseRef().primaryKey(),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

/** The file key sealed to each resettlement officer on the case (the one who started it, those added by name). */
export const resettlementKeys = pgTable(
  "resettlement_keys",
  {
    caseId: caseRef(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    sealedKey: bytea("sealed_key").notNull(),
    addedBy: uuid("added_by").references(() => users.id),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index("resettlement_keys_user_idx").on(t.userId)],
);

/** A family member: identity, whereabouts, contact and consent, all one JSON under the file key. */
export const familyMembers = pgTable(
  "family_members",
  {
    id: uuid("id").primaryKey(),
    caseId: caseRef(),
    sealed: bytea("sealed").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("family_members_case_idx").on(t.caseId)],
);

/**
 * Every tracked task: a guarantee of the case (member null) or a step of a family member's
 * relocation. In clear only what the board sorts by: owner, due day, state. What the task is
 * (which guarantee: "third country" tells his choice) and its notes are under the file key.
 */
export const resettlementTasks = pgTable(
  "resettlement_tasks",
  {
    id: uuid("id").primaryKey(),
    caseId: caseRef(),
    memberId: uuid("member_id").references(() => familyMembers.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    dueOn: date("due_on").notNull(),
    state: text("state").notNull(),
    sealed: bytea("sealed").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    updatedBy: uuid("updated_by").references(() => users.id),
  },
  (t) => [index("resettlement_tasks_due_idx").on(t.state, t.dueOn), index("resettlement_tasks_case_idx").on(t.caseId)],
);
