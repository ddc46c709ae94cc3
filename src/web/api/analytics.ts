import type { AnalyticsEvent, Dashboard, DashboardFilter, Impact, NewEvent, CHARTS } from "../../shared/api/analytics";
import { get, post } from "./client";
import { query } from "./query-string";

export type { AnalyticsEvent, Dashboard, DashboardFilter, Impact, NewEvent } from "../../shared/api/analytics";

export const analyticsApi = {
  dashboard: (f: DashboardFilter) => get<Dashboard>(`/api/analytics/dashboard${query({ ...f })}`),
  /** One chart's numbers as a CSV file the server writes. */
  csvUrl: (chart: (typeof CHARTS)[number], f: DashboardFilter) => `/api/analytics/export/${chart}${query({ ...f })}`,
  reportUrl: (month: string, lang: "uk" | "en") => `/api/analytics/report.pdf${query({ month, lang })}`,
  recordEvent: (e: NewEvent) => post<AnalyticsEvent>("/api/analytics/events", e),
  impact: (id: string, days: number, channel?: string) => get<Impact>(`/api/analytics/events/${id}/impact${query({ days, channel })}`),
};
