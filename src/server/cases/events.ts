import pg from "pg";
import { sql } from "drizzle-orm";
import type { EmbeddedClient } from "../db/embedded-client.js";
import type { Tx } from "../audit/log.js";
import type { AppContext } from "../context.js";

/**
 * Live updates for the console. A command that changes a case sends a notification *inside its
 * transaction* (`notifyCase`): PostgreSQL (and PGlite, which is PostgreSQL) delivers it only when
 * the transaction commits, so nobody refetches a case before the change is visible, and a rolled
 * back change says nothing. Every instance LISTENs, so with several servers behind a balancer
 * each console hears about changes made by any of them.
 *
 * A notification carries an event name and a case id, never content: the console refetches
 * through the ordinary, scoped API.
 */
export const CASE_EVENTS_CHANNEL = "sp_case_events";

export const CASE_EVENT_TYPES = ["case.created", "case.message", "case.updated", "case.assigned", "case.merged", "case.read"] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];
export interface CaseEvent {
  type: CaseEventType;
  caseId: string;
}

/** Queue an event for delivery when the transaction `tx` commits. */
export async function notifyCase(tx: Pick<Tx, "execute">, type: CaseEventType, caseId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${CASE_EVENTS_CHANNEL}, ${JSON.stringify({ type, caseId })})`);
}

export function parseCaseEvent(payload: string): CaseEvent | null {
  try {
    const v = JSON.parse(payload) as Partial<CaseEvent>;
    if (typeof v.caseId !== "string" || !/^[0-9a-f-]{36}$/.test(v.caseId)) return null;
    if (!(CASE_EVENT_TYPES as readonly string[]).includes(v.type ?? "")) return null;
    return { type: v.type as CaseEventType, caseId: v.caseId };
  } catch {
    return null;
  }
}

type Listener = (event: CaseEvent) => void;

/** One LISTEN per process, fanned out to the open event streams. */
export class CaseEventBus {
  private readonly listeners = new Set<Listener>();
  private stopped = false;
  private started: Promise<void> | null = null;
  private pgClient: pg.Client | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: AppContext) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    void this.start();
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Start listening (idempotent). Resolves once LISTEN is in place. */
  start(): Promise<void> {
    this.started ??= this.listen().catch((err: unknown) => {
      this.ctx.log.error({ err, event: "case_events_listen_failed" }, "live updates unavailable; retrying");
      this.started = null;
      this.scheduleRetry();
    });
    return this.started;
  }

  private deliver = (payload: string) => {
    const event = parseCaseEvent(payload);
    if (!event) return;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.ctx.log.error({ err }, "case event listener failed");
      }
    }
  };

  private async listen(): Promise<void> {
    if (this.stopped) return;
    if (this.ctx.database.kind === "pglite") {
      const client = (this.ctx.db as unknown as { $client: EmbeddedClient }).$client;
      const off = await client.listen(CASE_EVENTS_CHANNEL, this.deliver);
      this.unlisten = () => off();
      return;
    }
    // A connection of its own: LISTEN holds it for as long as the process runs.
    const client = new pg.Client({ connectionString: this.ctx.config.databaseUrl });
    client.on("notification", (n) => n.channel === CASE_EVENTS_CHANNEL && n.payload && this.deliver(n.payload));
    client.on("error", (err) => {
      this.ctx.log.warn({ err, event: "case_events_connection_lost" }, "live updates connection lost; reconnecting");
      this.pgClient = null;
      this.started = null;
      client.end().catch(() => {});
      this.scheduleRetry();
    });
    await client.connect();
    await client.query(`LISTEN ${CASE_EVENTS_CHANNEL}`);
    this.pgClient = client;
  }

  private scheduleRetry() {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, 2000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    await this.started?.catch(() => {});
    await this.unlisten?.().catch(() => {});
    await this.pgClient?.end().catch(() => {});
    this.pgClient = null;
  }
}

const buses = new WeakMap<AppContext["database"], CaseEventBus>();

/** The process's bus for this store (made on first use). */
export function caseEventBus(ctx: AppContext): CaseEventBus {
  let bus = buses.get(ctx.database);
  if (!bus) {
    bus = new CaseEventBus(ctx);
    buses.set(ctx.database, bus);
  }
  return bus;
}

/** Stop and forget the bus of this store (the staff app does it when it closes). */
export async function stopCaseEventBus(ctx: AppContext): Promise<void> {
  const bus = buses.get(ctx.database);
  buses.delete(ctx.database);
  await bus?.stop();
}
