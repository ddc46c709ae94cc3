import { useQuery } from "@tanstack/react-query";
import { get } from "./client";

/** The reward schedule as the server holds it (effective-dated versions, src/server/rewards). */
export interface ScheduleItem {
  code: string;
  label: string;
  min: number;
  max: number;
}
export interface ScheduleVersion {
  id: string;
  effectiveFrom: string;
  currency: string;
  source: string;
  items: ScheduleItem[];
  approvedAt: string | null;
}

export const rewardsApi = {
  schedule: () => get<{ inForce: ScheduleVersion; versions: ScheduleVersion[] }>("/api/rewards/schedule"),
};

/** The equipment codes of the schedule in force today, read once per session (the law changes rarely). */
export function useEquipmentCodes(): string[] {
  const q = useQuery({ queryKey: ["rewards", "schedule"], queryFn: rewardsApi.schedule, staleTime: 3_600_000 });
  return q.data?.inForce.items.map((i) => i.code) ?? [];
}
