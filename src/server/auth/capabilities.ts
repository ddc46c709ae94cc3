import type { Role } from "../../shared/roles.js";
import { CONSOLE_PERMISSIONS, type Capabilities } from "../../shared/api/auth.js";
import { allow, type Action, type Resource } from "../policy.js";

type PolicyPermission = { [R in Resource]: `${R}.${Action<R>}` }[Resource];
// A permission the console asks about that the policy table does not have fails to compile here.
const PERMISSIONS: readonly PolicyPermission[] = CONSOLE_PERMISSIONS;

/** What the console may show a role: the grant of each permission it asks about, from the policy table. */
export function capabilitiesOf(role: Role): Capabilities {
  const out: Capabilities = {};
  for (const p of PERMISSIONS) {
    const [resource, action] = p.split(".") as [Resource, string];
    const grant = allow(role, resource, action as never);
    if (grant) out[p as keyof Capabilities] = grant;
  }
  return out;
}
