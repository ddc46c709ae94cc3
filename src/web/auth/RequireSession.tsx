import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { FullPageLoader, ServerUnavailable } from "../components/FullPage";
import type { Stage } from "../api/auth";
import { useCan, type Requirement } from "./permissions";
import { useSession } from "./session";
import { NoAccessPage } from "../pages/NoAccessPage";

/**
 * Sends a person to the page their session allows: signed out → login (and back afterwards),
 * half-enrolled → TOTP enrolment, fully signed in → never back to enrolment.
 */
export function RequireSession({ stage, children }: { stage: Stage; children: ReactNode }) {
  const { state, refresh } = useSession();
  const location = useLocation();
  if (state.status === "loading") return <FullPageLoader />;
  if (state.status === "unavailable") return <ServerUnavailable onRetry={() => void refresh()} />;
  if (state.status === "signedOut") return <Navigate to="/login" replace state={state.voluntary ? null : { from: `${location.pathname}${location.search}` }} />;
  if (stage === "full" && state.session.stage === "enrol") return <Navigate to="/enrol" replace />;
  if (stage === "enrol" && state.session.stage === "full") return <Navigate to="/" replace />;
  return children;
}

/**
 * A page the role may not open says so (it is no secret which pages a role has): the person
 * learns it is his role, not a broken link. What a case holds stays hidden behind "not found".
 */
export function RequireCapability({ need, children }: { need: Requirement; children: ReactNode }) {
  const can = useCan();
  return can(need) ? children : <NoAccessPage />;
}
