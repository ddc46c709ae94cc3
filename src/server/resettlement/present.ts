import type { z } from "zod";
import type { guaranteeSchema, stepSchema, memberSchema } from "../../shared/api/resettlement.js";
import type { TaskState } from "../../shared/resettlement.js";
import { CLOSED_TASK_STATES } from "../../shared/resettlement.js";
import { staffToday } from "../../shared/zoned-time.js";
import type { TaskValue } from "./commands.js";
import type { resettlementTasks } from "./tables.js";

type TaskRow = typeof resettlementTasks.$inferSelect;
export type MemberValue = Omit<z.infer<typeof memberSchema>, "id" | "steps">;

export { staffToday };

export const isOverdue = (t: Pick<TaskRow, "state" | "dueOn">, today: string) => !CLOSED_TASK_STATES.includes(t.state as TaskState) && t.dueOn < today;

/** Overdue first, then by due day; a finished task after every open one. */
export const byUrgency = (today: string) => (a: Pick<TaskRow, "state" | "dueOn">, b: Pick<TaskRow, "state" | "dueOn">) => {
  const rank = (t: Pick<TaskRow, "state" | "dueOn">) => (isOverdue(t, today) ? 0 : CLOSED_TASK_STATES.includes(t.state as TaskState) ? 2 : 1);
  return rank(a) - rank(b) || a.dueOn.localeCompare(b.dueOn);
};

const taskBase = (t: TaskRow, v: TaskValue, names: Map<string, string>, today: string) => ({
  id: t.id,
  ownerId: t.ownerId,
  ownerName: names.get(t.ownerId) ?? "",
  dueOn: t.dueOn,
  state: t.state as TaskState,
  overdue: isOverdue(t, today),
  notes: v.notes,
});

export const presentGuarantee = (t: TaskRow, v: TaskValue, names: Map<string, string>, today: string): z.infer<typeof guaranteeSchema> => ({ ...taskBase(t, v, names, today), kind: v.kind! });
export const presentStep = (t: TaskRow, v: TaskValue, names: Map<string, string>, today: string): z.infer<typeof stepSchema> => ({ ...taskBase(t, v, names, today), step: v.step ?? "" });

export const presentMember = (id: string, v: MemberValue, steps: z.infer<typeof stepSchema>[]): z.infer<typeof memberSchema> => ({
  id,
  name: v.name,
  relation: v.relation,
  whereabouts: v.whereabouts,
  contact: v.contact,
  consent: v.consent,
  steps,
});
