import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { FullPageLoader, ServerUnavailable } from "../components/FullPage";
import type { Stage } from "../api/auth";
import type { Capability } from "./permissions";
import { can } from "./permissions";
import { useSession, useSignedIn } from "./session";
import { NotFoundPage } from "../pages/NotFoundPage";

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

/** A section the role may not see looks like one that does not exist. */
export function RequireCapability({ capability, children }: { capability: Capability; children: ReactNode }) {
  const { user } = useSignedIn();
  return can(user.role, capability) ? children : <NotFoundPage />;
}
