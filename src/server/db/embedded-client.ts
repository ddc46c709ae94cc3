import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { isPublicWork } from "../crypto/argon2-lane.js";
import type { BatchOutcome, BatchStatement, EmbeddedReply, EmbeddedRequest, EmbeddedStart, ErrorShape } from "./embedded-protocol.js";

/** What Drizzle's PGlite driver calls on its client (a query with its options, a script, a transaction). */
export interface QueryOptions {
  rowMode?: "array" | "object";
  parsers?: Record<number, unknown>;
}
export interface EmbeddedQueries {
  query(sql: string, params?: unknown[], opts?: QueryOptions): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
}

// Distributive Omit: each request kind without the id the client adds.
type Call = EmbeddedRequest extends infer R ? (R extends EmbeddedRequest ? Omit<R, "id"> : never) : never;

/** A statement outside any transaction, waiting for the connection with its caller's promise. */
interface Waiting {
  statement: BatchStatement;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}
/** A caller's turn on the one connection: a statement (which may join a batch), or a function that holds it. */
type Turn = { waiting: Waiting } | { start: () => void; waiting?: never };
/** Enough for a page's independent reads; few enough that nobody waits long behind a batch. */
const MAX_BATCH = 8;
/** What the thread needs of a query: its text, its values, and the type ids to leave as text. */
const statementOf = (sql: string, params: unknown[], opts: QueryOptions): BatchStatement => ({ sql, params, rowMode: opts.rowMode, rawTypes: Object.keys(opts.parsers ?? {}).map(Number) });

function errorFrom(shape: ErrorShape): Error {
  const err = new Error(shape.message);
  err.name = shape.name;
  return Object.assign(err, shape);
}

/**
 * The server's side of the embedded database, which runs PGlite in a thread of its own
 * (embedded-worker.ts), so a long query no longer stops this thread's other requests.
 *
 * It keeps PGlite's own rule of one connection: one statement at a time, and a transaction holds
 * the connection from BEGIN to COMMIT/ROLLBACK, other callers waiting their turn (as PGlite's
 * mutex made them wait before). The worker is referenced only while a call is out, so an idle
 * database never keeps the process alive on its own, and a call in flight always does.
 */
export class EmbeddedClient implements EmbeddedQueries {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private busy = false;
  /** Callers waiting for the connection, per lane; the lanes take turns (see inTurn). */
  private readonly waiting = { staff: [] as Turn[], public: [] as Turn[] };
  private trips = 0;
  private lastLane: "staff" | "public" = "public";
  private stopped: Error | null = null;
  private fsyncs = 0;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (msg: EmbeddedReply) => this.receive(msg));
    worker.on("error", (err) => this.stop(new Error(`the embedded database thread failed: ${err.message}`)));
    worker.on("exit", (code) => this.stop(new Error(`the embedded database thread ended (exit ${code})`)));
    worker.unref();
  }

  static async start(start: EmbeddedStart): Promise<EmbeddedClient> {
    // A fresh cluster is laid out by a thread of its own that then ends: PGlite's initdb grows its
    // WebAssembly memory to about 850 MB, a memory that never shrinks, and the server kept it
    // until its next restart (a new install ran at 860 MB idle against 250 MB once restarted).
    // Ending the thread frees it; the server's thread then opens the cluster as on any restart.
    if (!fs.existsSync(path.join(start.dbDir, "PG_VERSION"))) {
      const init = EmbeddedClient.spawn({ ...start, initOnly: true });
      await EmbeddedClient.ready(init);
      await init.terminate();
    }
    const worker = EmbeddedClient.spawn(start);
    await EmbeddedClient.ready(worker);
    return new EmbeddedClient(worker);
  }

  private static spawn(start: EmbeddedStart): Worker {
    return import.meta.url.endsWith(".ts")
      ? // From source (tests, tsx) the worker is TypeScript too: register tsx's loader in it first.
        new Worker(`import("tsx/esm/api").then((t) => t.register()).then(() => import(${JSON.stringify(new URL("./embedded-worker.ts", import.meta.url).href)}))`, { eval: true, workerData: start })
      : new Worker(new URL("./embedded-worker.js", import.meta.url), { workerData: start });
  }

  private static ready(worker: Worker): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the embedded database thread ended before it was ready (exit ${code})`));
      worker.once("exit", onExit);
      worker.once("error", reject);
      worker.once("message", (msg: EmbeddedReply) => {
        worker.off("exit", onExit);
        worker.off("error", reject);
        if (msg.kind === "ready") resolve();
        else if (msg.kind === "start-failed") reject(errorFrom(msg.error));
        else reject(new Error(`the embedded database thread sent ${msg.kind} before it was ready`));
      });
    });
  }

  /** fsync calls made by the durable file layer so far (as of the last answer). */
  get fsyncCalls(): number {
    return this.fsyncs;
  }

  /** Round trips to the thread so far (a batch of statements is one). */
  get roundTrips(): number {
    return this.trips;
  }

  /** One statement on its own (no transaction): it may share a round trip with others waiting beside it. */
  query(sql: string, params: unknown[] = [], opts: QueryOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.enqueue({ waiting: { statement: statementOf(sql, params, opts), resolve, reject } });
    });
  }

  exec(sql: string): Promise<unknown> {
    return this.inTurn(() => this.call({ op: "exec", sql }));
  }

  /**
   * BEGIN … COMMIT on the one connection; `fn`'s queries run inside the turn, everyone else's after
   * it. BEGIN travels with the transaction's first statement, one round trip to the thread fewer
   * (a case open makes one transaction, its audit entry); a transaction that ran no statement
   * sends neither BEGIN nor COMMIT.
   */
  transaction<T>(fn: (tx: EmbeddedQueries) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      let open = true;
      let begun = false;
      const first = (): { begin?: true } => (begun ? {} : ((begun = true), { begin: true }));
      const closed = () => Promise.reject(new Error("Transaction is closed"));
      const tx: EmbeddedQueries = {
        query: (sql, params = [], opts = {}) => (open ? this.rawQuery(sql, params, opts, first()) : closed()),
        exec: (sql) => (open ? this.call({ op: "exec", sql, ...first() }) : closed()),
      };
      try {
        const result = await fn(tx);
        if (begun) await this.call({ op: "exec", sql: "COMMIT" });
        return result;
      } catch (err) {
        // Also when the first statement failed: BEGIN may have run before it.
        if (begun) await this.call({ op: "exec", sql: "ROLLBACK" }).catch(() => {});
        throw err;
      } finally {
        open = false;
      }
    });
  }

  /** LISTEN on the embedded connection; the returned function stops it. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.inTurn(() => this.call({ op: "listen", channel }));
    }
    set.add(onPayload);
    return async () => {
      set.delete(onPayload);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        if (!this.stopped) await this.inTurn(() => this.call({ op: "unlisten", channel }));
      }
    };
  }

  /** PGlite's own uncompressed tar of its data directory, taken inside the engine. */
  async dumpDataDir(): Promise<Buffer> {
    const buf = (await this.inTurn(() => this.call({ op: "dump" }))) as ArrayBuffer;
    return Buffer.from(buf);
  }

  /** CHECKPOINT, close PGlite, and let the thread end. */
  async close(): Promise<void> {
    if (this.stopped) return;
    await this.inTurn(() => this.call({ op: "close" }));
    this.stop(new Error("the embedded database is closed"));
    await this.worker.terminate();
  }

  private rawQuery(sql: string, params: unknown[], opts: QueryOptions, begin: { begin?: true } = {}): Promise<unknown> {
    return this.call({ op: "query", ...statementOf(sql, params, opts), ...begin });
  }

  /**
   * One caller at a time; a failure does not stop the next. Callers queue in two lanes, the
   * applicant side's (requests of the public listener, crypto/argon2-lane.ts) and everyone
   * else's, each in the order they came, and the lanes alternate while both wait: in an intake
   * flood, an operator's query waits for at most one applicant statement, not for the dozens
   * queued before it (issue 16: the inbox p99 went from 20 ms to 750 ms), and a staff search can
   * no more hold the applicant site than before (issue 17).
   */
  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({
        start: () => {
          Promise.resolve()
            .then(fn)
            .then(resolve, reject)
            .finally(() => this.nextTurn());
        },
      });
    });
  }

  private enqueue(turn: Turn) {
    this.waiting[isPublicWork() ? "public" : "staff"].push(turn);
    if (this.busy) return;
    this.busy = true;
    // The turn starts after the current microtasks, so that reads started together (a
    // Promise.all of a page's independent reads) are all waiting by then and go in one batch.
    queueMicrotask(() => this.nextTurn());
  }

  private nextTurn() {
    const other = this.lastLane === "staff" ? "public" : "staff";
    const lane = this.waiting[other].length ? other : this.lastLane;
    const next = this.waiting[lane].shift();
    if (!next) {
      this.busy = false;
      return;
    }
    this.lastLane = lane;
    if (!next.waiting) return next.start();
    // Statements waiting next to each other in one lane go to the thread in one round trip (each
    // a statement of its own, failing on its own), but only while the other lane has nobody
    // waiting: alternation between the lanes stays one statement for one.
    const batch = [next.waiting];
    const queue = this.waiting[lane];
    const opposite = this.waiting[lane === "staff" ? "public" : "staff"];
    while (batch.length < MAX_BATCH && queue[0]?.waiting && opposite.length === 0) batch.push(queue.shift()!.waiting!);
    void this.runStatements(batch).finally(() => this.nextTurn());
  }

  private async runStatements(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [w] = batch as [Waiting];
      await this.call({ op: "query", ...w.statement }).then(w.resolve, w.reject);
      return;
    }
    try {
      const outcomes = (await this.call({ op: "batch", statements: batch.map((w) => w.statement) })) as BatchOutcome[];
      batch.forEach((s, i) => {
        const o = outcomes[i]!;
        if (o.ok) s.resolve(o.result);
        else s.reject(errorFrom(o.error));
      });
    } catch (err) {
      for (const s of batch) s.reject(err as Error);
    }
  }

  private call(req: Call): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    this.trips++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...req, id } as EmbeddedRequest);
    });
  }

  private receive(msg: EmbeddedReply) {
    if (msg.kind === "notify") {
      for (const l of this.listeners.get(msg.channel) ?? []) l(msg.payload);
      return;
    }
    if (msg.kind !== "result" && msg.kind !== "failed") return;
    this.fsyncs = msg.fsyncCalls;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.kind === "result") p.resolve(msg.result);
    else p.reject(errorFrom(msg.error));
  }

  private stop(reason: Error) {
    if (this.stopped) return;
    this.stopped = reason;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    this.worker.unref();
  }
}
