import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";

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
 * kinds only; pages that show a case or the inbox refetch through the API when one arrives.
 * The browser reconnects by itself; when the session has ended, `onSessionEnded` is called.
 */
export function LiveProvider({ enabled, onSessionEnded, children }: { enabled: boolean; onSessionEnded: () => void; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  const ended = useRef(onSessionEnded);
  useEffect(() => {
    ended.current = onSessionEnded;
  });

  useEffect(() => {
    const wake = () => {
      const wasIdle = userIdle();
      lastActivity = Date.now();
      // Back after a pause: one refetch catches up on what happened meanwhile.
      if (wasIdle) for (const l of listeners.current) l({ type: "case.updated", caseId: "" });
    };
    const events = ["keydown", "pointerdown", "wheel", "focus"] as const;
    for (const e of events) window.addEventListener(e, wake, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, wake);
    };
  }, []);

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/events", { withCredentials: true });
    const deliver = (msg: MessageEvent<string>) => {
      try {
        const event = JSON.parse(msg.data) as CaseEvent;
        if (userIdle()) return;
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
