import { z } from "zod";
import { SECTION_NAMES } from "../sections.js";
import { ROLES } from "../roles.js";

/** Responses of the case core's routes (the console reads the same schemas). */
export const sectionWriteReply = z.object({ section: z.enum(SECTION_NAMES as [string, ...string[]]), fields: z.array(z.string()) });
export type SectionWriteReply = z.infer<typeof sectionWriteReply>;

export const transitionReply = z.object({ from: z.string(), to: z.string() });
export type TransitionReply = z.infer<typeof transitionReply>;

export const assigneeSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES), teams: z.array(z.string()) });
export type Assignee = z.infer<typeof assigneeSchema>;
