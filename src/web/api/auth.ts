import type { Role } from "../../shared/roles";
import type { SessionInfo, Stage } from "../../shared/api/auth";
import { get, post } from "./client";

export type { Capabilities, Permission, SessionInfo, SessionUser, Stage } from "../../shared/api/auth";

export interface SetupLinkInfo {
  role: Role;
  username: string | null;
  firstAdmin: boolean;
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

export const authApi = {
  session: () => get<SessionInfo>("/api/auth/session", { quietAuth: true }),
  /** The login answer says how far the person got; the session (with its capabilities) is asked for next. */
  login: (input: { username: string; password: string; totp?: string }) => post<{ stage: Stage; csrfToken: string }>("/api/auth/login", input, { quietAuth: true }),
  logout: () => post<void>("/api/auth/logout"),
  logoutAll: () => post<void>("/api/auth/logout-all"),
  inspectSetupLink: (token: string) => post<SetupLinkInfo>("/api/setup/inspect", { token }, { quietAuth: true }),
  acceptSetupLink: (input: { token: string; username: string; displayName: string; password: string }) =>
    post<{ stage: Stage; csrfToken: string; recoveryKey?: string }>("/api/setup/accept", input, { quietAuth: true }),
  beginTotp: () => post<TotpEnrolment>("/api/auth/totp/begin"),
  confirmTotp: (code: string) => post<{ stage: Stage; csrfToken: string }>("/api/auth/totp/confirm", { code }),
  changePassword: (input: { current: string; next: string }) => post<{ stage: Stage; csrfToken: string }>("/api/auth/password", input),
};
