import { z } from "zod";
import { GUARANTEES, TASK_STATES } from "../resettlement.js";
import { calendarDaySchema } from "../calendar-day.js";

const text = (max: number) => z.string().trim().min(1).max(max);
const notes = z.string().trim().max(4000).default("");
const day = calendarDaySchema;

/** A task's owner is one of the resettlement officers on the case; absent, the one who writes it. */
const taskFields = { ownerId: z.string().uuid().optional(), dueOn: day, notes };
export const guaranteeBody = z.object({ kind: z.enum(GUARANTEES), ...taskFields }).strict();
export const stepBody = z.object({ step: text(300), ...taskFields }).strict();
export const taskUpdateBody = z
  .object({ state: z.enum(TASK_STATES).optional(), ownerId: z.string().uuid().optional(), dueOn: day.optional(), notes: z.string().trim().max(4000).optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "nothing to change");
export const memberBody = z
  .object({
    name: text(200),
    relation: text(100),
    whereabouts: z.string().trim().max(500).default(""),
    contact: z.string().trim().max(500).default(""),
    consent: z.boolean(),
  })
  .strict();
export const officerBody = z.object({ userId: z.string().uuid() }).strict();

const task = {
  id: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  dueOn: z.string(),
  state: z.enum(TASK_STATES),
  overdue: z.boolean(),
  notes: z.string(),
};
export const guaranteeSchema = z.object({ ...task, kind: z.enum(GUARANTEES) });
export const stepSchema = z.object({ ...task, step: z.string() });
export const memberSchema = z.object({
  id: z.string(),
  name: z.string(),
  relation: z.string(),
  whereabouts: z.string(),
  contact: z.string(),
  consent: z.boolean(),
  steps: z.array(stepSchema),
});
export const cardSchema = z.object({
  caseId: z.string(),
  number: z.number(),
  /** false while no resettlement officer has started this case's file. */
  started: z.boolean(),
  officers: z.array(z.object({ userId: z.string(), displayName: z.string() })),
  guarantees: z.array(guaranteeSchema),
  family: z.array(memberSchema),
});
export type ResettlementCard = z.infer<typeof cardSchema>;

/** The board names each task, whose it is and by when; who the family are, where and how to reach them stay on the card. */
export const boardSchema = z.object({
  items: z.array(
    z.object({
      taskId: z.string(),
      caseId: z.string(),
      number: z.number(),
      kind: z.enum(GUARANTEES).nullable(),
      step: z.string().nullable(),
      ownerName: z.string(),
      dueOn: z.string(),
      state: z.enum(TASK_STATES),
      overdue: z.boolean(),
    }),
  ),
});
export type ResettlementBoard = z.infer<typeof boardSchema>;
