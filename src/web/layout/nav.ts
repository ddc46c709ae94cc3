import type { Capability } from "../auth/permissions";
import type { Catalog } from "../i18n";

/** The console's sections, in menu order. A new section is one more line here and one route. */
export interface NavItem {
  to: string;
  label: keyof Catalog["nav"];
  /** Shown only to roles that hold this capability. */
  requires?: Capability;
  /** Active only on this exact path (for "/"). */
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "home", end: true },
  { to: "/cases", label: "inbox", requires: "cases.list" },
  { to: "/search", label: "search", requires: "cases.list" },
  { to: "/calls", label: "calls", requires: "cases.note" },
  { to: "/queue", label: "queue", requires: "queue.read" },
  { to: "/teams", label: "teams", requires: "teams.read" },
  { to: "/canned-replies", label: "canned", requires: "canned.manage" },
  { to: "/settings", label: "settings", requires: "settings.manage" },
  { to: "/staff", label: "staff", requires: "staff.list" },
  { to: "/audit", label: "audit", requires: "audit.read" },
];
