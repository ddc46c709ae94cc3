/** The guarantees of law 7229 besides money (issue 14), and the states of every resettlement task. */
export const GUARANTEES = ["secrecy", "documents", "stay_in_ukraine", "third_country"] as const;
export type Guarantee = (typeof GUARANTEES)[number];
export const TASK_STATES = ["open", "in_progress", "blocked", "done", "cancelled"] as const;
export type TaskState = (typeof TASK_STATES)[number];
/** A task in one of these is finished: it leaves the board. */
export const CLOSED_TASK_STATES: readonly TaskState[] = ["done", "cancelled"];
