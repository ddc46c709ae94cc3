import type { z } from "zod";
import type { VerificationSettings, hitsSchema, numbersSchema, queueSchema, rechecksSchema, supervisionSchema, VerificationPanel, WatchlistAdd, watchlistSchema } from "../../shared/api/verification";
import type { CheckResult, Decision, ReasonCode } from "../../shared/verification";
import { get, post, put } from "./client";

export type { VerificationPanel, VerificationSettings };
export type VerificationQueueRow = z.infer<typeof queueSchema>[number];
export type SupervisionRow = z.infer<typeof supervisionSchema>[number];
export type VerificationNumbers = z.infer<typeof numbersSchema>;
export type WatchlistHit = z.infer<typeof hitsSchema>[number];
export type RecheckRow = z.infer<typeof rechecksSchema>[number];
export type WatchlistEntry = z.infer<typeof watchlistSchema>[number];
export type { WatchlistAdd };

const one = (id: string) => `/api/cases/${encodeURIComponent(id)}/verification`;

export const verificationApi = {
  queue: () => get<VerificationQueueRow[]>("/api/verification/queue"),
  hits: () => get<WatchlistHit[]>("/api/verification/hits"),
  rechecks: () => get<RecheckRow[]>("/api/verification/rechecks"),
  watchlist: () => get<WatchlistEntry[]>("/api/verification/watchlist"),
  addToWatchlist: (entry: WatchlistAdd) => post<{ ids: string[] }>("/api/verification/watchlist", entry),
  removeFromWatchlist: (id: string, reason: string) => post<void>(`/api/verification/watchlist/${encodeURIComponent(id)}/remove`, { reason }),
  supervision: () => get<SupervisionRow[]>("/api/verification/supervision"),
  numbers: () => get<VerificationNumbers>("/api/verification/numbers"),
  settings: () => get<VerificationSettings>("/api/verification/settings"),
  saveSettings: (s: VerificationSettings) => put<VerificationSettings>("/api/verification/settings", s),
  panel: (id: string) => get<VerificationPanel>(one(id)),
  handover: (id: string, reason: string) => post<void>(`${one(id)}/handover`, { reason }),
  check: (id: string, item: string, result: CheckResult, note: string) => put<void>(`${one(id)}/checks/${encodeURIComponent(item)}`, { result, ...(note.trim() ? { note } : {}) }),
  review: (id: string, decision: Decision, reasonCode: ReasonCode, note: string) => post<{ stage: string }>(`${one(id)}/reviews`, { decision, reasonCode, ...(note.trim() ? { note } : {}) }),
  decide: (id: string, decision: Decision, reasonCode: ReasonCode, reason: string) => post<{ stage: string }>(`${one(id)}/decision`, { decision, reasonCode, reason }),
};

export const verificationKeys = {
  queue: ["verification", "queue"] as const,
  hits: ["verification", "hits"] as const,
  rechecks: ["verification", "rechecks"] as const,
  watchlist: ["verification", "watchlist"] as const,
  supervision: ["verification", "supervision"] as const,
  numbers: ["verification", "numbers"] as const,
  settings: ["verification", "settings"] as const,
  panel: (id: string) => ["verification", "panel", id] as const,
};
