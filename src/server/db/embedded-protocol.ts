/**
 * The messages between the server and the thread that runs the embedded database
 * (embedded-client.ts on the server's side, embedded-worker.ts on the other).
 */
/** A statement and how its rows come back; `rawTypes` are the type ids to leave as text. */
export interface BatchStatement {
  sql: string;
  params: unknown[];
  rowMode?: "array" | "object";
  rawTypes: number[];
}
/** Each statement of a batch succeeds or fails on its own, as if sent alone. */
export type BatchOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorShape };

/**
 * `begin`: run BEGIN first, in the same round trip (a transaction's first statement).
 * `batch`: statements outside any transaction, run one after another in one round trip.
 */
export type EmbeddedRequest =
  | ({ id: number; op: "query"; begin?: true } & BatchStatement)
  | { id: number; op: "batch"; statements: BatchStatement[] }
  | { id: number; op: "exec"; sql: string; begin?: true }
  | { id: number; op: "listen" | "unlisten"; channel: string }
  | { id: number; op: "dump" }
  | { id: number; op: "close" };

/** PostgreSQL's error fields that callers read (the SQLSTATE above all); never the query or its values. */
export const ERROR_FIELDS = ["code", "severity", "detail", "hint", "position", "where", "schema", "table", "column", "dataType", "constraint", "routine"] as const;
export type ErrorShape = { name: string; message: string } & Partial<Record<(typeof ERROR_FIELDS)[number], unknown>>;

export type EmbeddedReply =
  | { kind: "ready"; fsyncCalls: number }
  | { kind: "start-failed"; error: ErrorShape }
  | { kind: "result"; id: number; result: unknown; fsyncCalls: number }
  | { kind: "failed"; id: number; error: ErrorShape; fsyncCalls: number }
  | { kind: "notify"; channel: string; payload: string };

export interface EmbeddedStart {
  dbDir: string;
  startParams: string[];
  /** A fresh cluster: lay it out, make it durable, close it and end (embedded-client.ts says why this is a thread of its own). */
  initOnly?: boolean;
}
