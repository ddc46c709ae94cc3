import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { keys } from "./queryClient";

export interface CaseEvent {
  type: "case.created" | "case.message" | "case.updated" | "case.assigned" | "case.merged" | "case.read";
  caseId: string;
}

type Listener = (e: CaseEvent) => void;

/**
 * Live updates must not keep an idle session alive for ever (SECURITY.md: idle expiry): after this
 * long without a key press, click or scroll, events stop triggering refetches until the person is back.
 */
const IDLE_AFTER_MS = 20 * 60_000;
let lastActivity = Date.now();
export const userIdle = () => Date.now() - lastActivity > IDLE_AFTER_MS;

interface Live {
  connected: boolean;
  subscribe: (l: Listener) => () => void;
}

const LiveContext = createContext<Live | null>(null);
const EVENT_TYPES: CaseEvent["type"][] = ["case.created", "case.message", "case.updated", "case.assigned", "case.merged", "case.read"];

/**
 * One server-sent event stream per signed-in console (GET /api/events). The events carry ids and
 * kinds only; each one marks the cached reads it touches as stale (the inbox, that case), and the
 * pages showing them refetch through the API. A burst of events is one refetch.
 * The browser reconnects by itself; when the session has ended, `onSessionEnded` is called.
 */
export function LiveProvider({ enabled, onSessionEnded, children }: { enabled: boolean; onSessionEnded: () => void; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  const queryClient = useQueryClient();
  const invalidate = useRef<ReturnType<typeof batchedInvalidation> | null>(null);
  invalidate.current ??= batchedInvalidation(queryClient);
  const ended = useRef(onSessionEnded);
  useEffect(() => {
    ended.current = onSessionEnded;
  });

  useEffect(() => {
    const wake = () => {
      const wasIdle = userIdle();
      lastActivity = Date.now();
      // Back after a pause: one refetch catches up on what happened meanwhile.
      if (wasIdle) {
        void queryClient.invalidateQueries();
        for (const l of listeners.current) l({ type: "case.updated", caseId: "" });
      }
    };
    const events = ["keydown", "pointerdown", "wheel", "focus"] as const;
    for (const e of events) window.addEventListener(e, wake, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, wake);
    };
  }, [queryClient]);

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/events", { withCredentials: true });
    const deliver = (msg: MessageEvent<string>) => {
      try {
        const event = JSON.parse(msg.data) as CaseEvent;
        if (userIdle()) return;
        invalidate.current?.(event);
        for (const l of listeners.current) l(event);
      } catch {
        // not an event of ours
      }
    };
    for (const t of EVENT_TYPES) source.addEventListener(t, deliver as EventListener);
    source.addEventListener("session.ended", () => {
      source.close();
      setConnected(false);
      ended.current();
    });
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      // A closed source will not retry (e.g. 401 after the session ended): ask who we are.
      if (source.readyState === EventSource.CLOSED) ended.current();
    };
    return () => {
      source.close();
      setConnected(false);
    };
  }, [enabled]);

  const value = useRef<Live>({ connected: false, subscribe: (l) => (listeners.current.add(l), () => void listeners.current.delete(l)) });
  value.current = { ...value.current, connected };
  return <LiveContext.Provider value={value.current}>{children}</LiveContext.Provider>;
}

/** Call `handler` for every live case event (latest handler wins; no resubscription per render). */
export function useCaseEvents(handler: Listener) {
  const live = useContext(LiveContext);
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => live?.subscribe((e) => ref.current(e)), [live]);
}

export function useLiveConnected(): boolean {
  return useContext(LiveContext)?.connected ?? false;
}

/**
 * Mark stale what an event touches, a quarter second after the first of a burst: the inbox for any
 * event, the case itself unless the event only says it was read. A fetch already running is
 * joined, not restarted, so one change is one read.
 */
function batchedInvalidation(queryClient: QueryClient) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cases = new Set<string>();
  return (e: CaseEvent) => {
    if (e.type !== "case.read" && e.caseId) cases.add(e.caseId);
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const touched = [...cases];
      cases.clear();
      void queryClient.invalidateQueries({ queryKey: keys.inbox }, { cancelRefetch: false });
      for (const id of touched) void queryClient.invalidateQueries({ queryKey: keys.case(id) }, { cancelRefetch: false });
    }, 250);
  };
}
