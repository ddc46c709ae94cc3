import type { Role } from "../../shared/roles";
import { get, post } from "./client";

export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface Invitation {
  id: string;
  link: string;
  expiresAt: string;
}

const member = (id: string) => `/api/staff/${encodeURIComponent(id)}`;

export const staffApi = {
  list: () => get<StaffMember[]>("/api/staff"),
  invite: (input: { role: Role; username?: string }) => post<Invitation>("/api/staff/invitations", input),
  setRole: (id: string, role: Role) => post<void>(`${member(id)}/role`, { role }),
  disable: (id: string) => post<void>(`${member(id)}/disable`),
  enable: (id: string) => post<void>(`${member(id)}/enable`),
  resetTotp: (id: string) => post<void>(`${member(id)}/reset-2fa`),
};

export interface KeyReset {
  link: string;
  expiresAt: string;
  personalGrantsLost: number;
}

/** Last resort: discards the person's key (audited loss of their personal case access). */
export const resetStaffKey = (id: string) => post<KeyReset>(`${member(id)}/reset-key`, { acceptKeyLoss: true });
