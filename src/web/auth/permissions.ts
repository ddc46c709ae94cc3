import type { Capabilities, Permission } from "../../shared/api/auth";
import { useSignedIn } from "./session";

export type { Permission };
/** One permission, or several that must all be held. */
export type Requirement = Permission | readonly Permission[];

/**
 * What the console shows to whom, from the capabilities the server computed from its policy table
 * for this session (GET /api/auth/session): no copy of the rules lives here. It only hides what
 * the server would refuse anyway.
 */
export function holds(capabilities: Capabilities, need: Requirement): boolean {
  const all: readonly Permission[] = typeof need === "string" ? [need] : need;
  return all.every((p) => capabilities[p] !== undefined);
}

/** `can("case.read")` for the signed-in person. */
export function useCan(): (need: Requirement) => boolean {
  const { capabilities } = useSignedIn();
  return (need) => holds(capabilities, need);
}

/** The supervisor's queue: counts over the cases he may list. */
export const QUEUE: Requirement = ["case.list", "analytics.read"];
