import { QUEUE, type Requirement } from "../auth/permissions";
import type { Catalog } from "../i18n";

/** The console's sections, in menu order. A new section is one more line here and one route. */
export interface NavItem {
  to: string;
  label: keyof Catalog["nav"];
  /** Shown only to roles that hold this capability. */
  requires?: Requirement;
  /** Active only on this exact path (for "/"). */
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: "/", label: "home", end: true },
  { to: "/cases", label: "inbox", requires: "case.list" },
  { to: "/search", label: "search", requires: "case.list" },
  { to: "/calls", label: "calls", requires: "case.create" },
  { to: "/queue", label: "queue", requires: QUEUE },
  { to: "/operations", label: "operations", requires: "rendezvous.read" },
  { to: "/verification", label: "verification", requires: "verification.review" },
  { to: "/supervision", label: "supervision", requires: "verification.decide" },
  { to: "/watchlist", label: "watchlist", requires: "verification.watchlist" },
  { to: "/teams", label: "teams", requires: "team.read" },
  { to: "/admissions", label: "admissions", requires: "team.admit" },
  { to: "/canned-replies", label: "canned", requires: "canned_reply.manage" },
  { to: "/settings", label: "settings", requires: "settings.manage" },
  { to: "/retention", label: "retention", requires: "retention.read" },
  { to: "/staff", label: "staff", requires: "staff.list" },
  { to: "/audit", label: "audit", requires: "audit.read" },
  { to: "/analytics", label: "analytics", requires: "analytics.read" },
  { to: "/registration", label: "registration", requires: "pow_registration.read" },
  { to: "/resettlement", label: "resettlement", requires: "resettlement.read" },
  { to: "/rewards", label: "rewards", requires: "reward_claim.read" },
  { to: "/reward-schedule", label: "rewardSchedule", requires: "reward_schedule.propose" },
];
