import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { authApi, type SessionInfo } from "../api/auth";
import { ApiError, onSessionLost, setCsrfToken } from "../api/client";

export type SessionState =
  | { status: "loading" }
  /** `voluntary`: the person signed out, so there is no page to come back to. */
  | { status: "signedOut"; voluntary?: boolean }
  | { status: "unavailable"; error: ApiError }
  | { status: "signedIn"; session: SessionInfo };

interface SessionApi {
  state: SessionState;
  /** Ask the server who we are (after accepting a link, enrolling, or when a call says the session is gone). */
  refresh: () => Promise<SessionState>;
  /** Take the answer of a login, then ask for the session (with what the role may do). */
  signedIn: (answer: { csrfToken: string }) => Promise<SessionState>;
  signOut: (everywhere?: boolean) => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const queryClient = useQueryClient();

  const apply = useCallback(
    (next: SessionState) => {
      setCsrfToken(next.status === "signedIn" ? next.session.csrfToken : null);
      // Nothing read under one session is shown under the next (another person at the same desk).
      if (next.status !== "signedIn") queryClient.clear();
      setState(next);
      return next;
    },
    [queryClient],
  );

  const refresh = useCallback(async (): Promise<SessionState> => {
    try {
      return apply({ status: "signedIn", session: await authApi.session() });
    } catch (err) {
      if (err instanceof ApiError && err.code === "unauthenticated") return apply({ status: "signedOut" });
      return apply({ status: "unavailable", error: err instanceof ApiError ? err : new ApiError(0, "network", String(err)) });
    }
  }, [apply]);

  const signedIn = useCallback(
    (answer: { csrfToken: string }) => {
      setCsrfToken(answer.csrfToken);
      return refresh();
    },
    [refresh],
  );

  const signOut = useCallback(
    async (everywhere = false) => {
      try {
        await (everywhere ? authApi.logoutAll() : authApi.logout());
      } finally {
        apply({ status: "signedOut", voluntary: true });
      }
    },
    [apply],
  );

  useEffect(() => {
    void refresh();
    return onSessionLost(() => void refresh());
  }, [refresh]);

  const value = useMemo(() => ({ state, refresh, signedIn, signOut }), [state, refresh, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}

/** The signed-in session of a page behind `RequireSession` (it guarantees one). */
export function useSignedIn(): SessionInfo {
  const { state } = useSession();
  if (state.status !== "signedIn") throw new Error("useSignedIn outside a signed-in page");
  return state.session;
}
