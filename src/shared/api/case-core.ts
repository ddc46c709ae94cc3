import { z } from "zod";
import { SECTION_NAMES } from "../sections.js";
import { ROLES } from "../roles.js";
import { CASE_STATES, TEAMS } from "../case-states.js";

/** Responses of the case core's routes (the console reads the same schemas). */
export const sectionWriteReply = z.object({ section: z.enum(SECTION_NAMES as [string, ...string[]]), fields: z.array(z.string()) });
export type SectionWriteReply = z.infer<typeof sectionWriteReply>;

export const transitionReply = z.object({ from: z.string(), to: z.string() });
export type TransitionReply = z.infer<typeof transitionReply>;

export const assigneeSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES), teams: z.array(z.string()) });
export type Assignee = z.infer<typeof assigneeSchema>;

/** The bodies of the case work requests: the server validates with these, the console's forms too. */
export const staffTextBodySchema = z.object({ text: z.string().trim().min(1).max(10_000) });
export const reasonSchema = z.string().trim().min(1).max(2000);
export const transitionBodySchema = z.object({ to: z.enum(CASE_STATES), reason: reasonSchema });
export const assignBodySchema = z.object({ userId: z.string().uuid().nullable().optional(), teamId: z.enum(TEAMS).optional() });
export const mergeBodySchema = z.object({ into: z.string().uuid(), reason: reasonSchema });
