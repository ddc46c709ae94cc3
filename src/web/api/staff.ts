import type { Role } from "../../shared/roles";
import type { InvitationLink, KeyReset, PendingInvitation, StaffMember } from "../../shared/api/staff";
import { del, get, post } from "./client";

export type { InvitationLink as Invitation, KeyReset, PendingInvitation, StaffMember } from "../../shared/api/staff";

const member = (id: string) => `/api/staff/${encodeURIComponent(id)}`;

export const staffApi = {
  list: () => get<StaffMember[]>("/api/staff"),
  invite: (input: { role: Role; username?: string }) => post<InvitationLink>("/api/staff/invitations", input),
  invitations: () => get<PendingInvitation[]>("/api/staff/invitations"),
  revokeInvitation: (id: string) => del<void>(`/api/staff/invitations/${encodeURIComponent(id)}`),
  setRole: (id: string, role: Role) => post<void>(`${member(id)}/role`, { role }),
  disable: (id: string) => post<void>(`${member(id)}/disable`),
  enable: (id: string) => post<void>(`${member(id)}/enable`),
  resetTotp: (id: string) => post<void>(`${member(id)}/reset-2fa`),
};

/** Last resort: discards the person's key (audited loss of their personal case access). */
export const resetStaffKey = (id: string) => post<KeyReset>(`${member(id)}/reset-key`, { acceptKeyLoss: true });
