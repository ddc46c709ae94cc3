import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { DurableNodeFS, fsyncTree } from "./durable-fs.js";
import { ERROR_FIELDS, type BatchOutcome, type BatchStatement, type EmbeddedReply, type EmbeddedRequest, type EmbeddedStart, type ErrorShape } from "./embedded-protocol.js";

/**
 * The embedded database's own thread. PGlite is PostgreSQL compiled to WebAssembly, and a query
 * runs synchronously in the thread that calls it: in the server's thread one long staff query
 * held every request, the applicant site's included (issue 17). Here it holds only this thread.
 * Queries arrive one at a time (the client keeps PGlite's single-connection order).
 */
const port = parentPort!;
const start = workerData as EmbeddedStart;
const send = (reply: EmbeddedReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

function shapeOf(err: unknown): ErrorShape {
  const e = (err ?? {}) as Record<string, unknown>;
  const shape: ErrorShape = { name: typeof e.name === "string" ? e.name : "Error", message: typeof e.message === "string" ? e.message : String(err) };
  for (const f of ERROR_FIELDS) if (e[f] !== undefined && e[f] !== null) shape[f] = e[f];
  return shape;
}

/** Drizzle asks for some types as PostgreSQL's text (dates, intervals); parsers are functions and cannot cross threads, so the client sends their type ids. */
const asText = (value: string) => value;
/**
 * bytea arrives as hex text ("\\x…"). PGlite's own parser decodes it in JavaScript, a quarter of
 * the time of a case open (200 messages: 7.6 ms against 1.9 ms); Buffer's hex decoder is native.
 * Each value gets a buffer of its own, as PGlite's did (a view into a shared pool would carry the
 * whole pool across the thread boundary).
 */
const BYTEA = 17;
function bytea(value: string): Uint8Array {
  if (!value.startsWith("\\x")) throw new Error("bytea_output must be hex");
  const out = new Uint8Array((value.length - 2) >> 1);
  Buffer.from(out.buffer).write(value.slice(2), "hex");
  return out;
}
const parsersOf = (oids: number[]) => ({ [BYTEA]: bytea, ...Object.fromEntries(oids.map((o) => [o, asText])) });

async function main() {
  const durableFs = new DurableNodeFS(start.dbDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ fs: durableFs, startParams: start.startParams });
    // Only a fresh cluster gets a thread of its own (the client decides, embedded-client.ts).
    if (start.initOnly) {
      // PGlite unpacks it without fsync; made durable once, before any commit.
      fsyncTree(start.dbDir);
      await pg.close();
      send({ kind: "ready", fsyncCalls: durableFs.fsyncCalls }); // the client ends this thread
      return;
    }
  } catch (err) {
    send({ kind: "start-failed", error: shapeOf(err) });
    return;
  }
  const listening = new Map<string, () => Promise<void>>();
  const statement = (s: BatchStatement) => pg.query(s.sql, s.params, { ...(s.rowMode ? { rowMode: s.rowMode } : {}), parsers: parsersOf(s.rawTypes) });

  async function run(req: EmbeddedRequest): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
    switch (req.op) {
      case "query":
        if (req.begin) await pg.exec("BEGIN");
        return { result: await statement(req) };
      case "batch": {
        const outcomes: BatchOutcome[] = [];
        for (const s of req.statements) {
          try {
            outcomes.push({ ok: true, result: await statement(s) });
          } catch (err) {
            outcomes.push({ ok: false, error: shapeOf(err) });
          }
        }
        return { result: outcomes };
      }
      case "exec":
        if (req.begin) await pg.exec("BEGIN");
        return { result: await pg.exec(req.sql) };
      case "listen":
        if (!listening.has(req.channel)) listening.set(req.channel, await pg.listen(req.channel, (payload) => send({ kind: "notify", channel: req.channel, payload })));
        return { result: null };
      case "unlisten":
        await listening.get(req.channel)?.();
        listening.delete(req.channel);
        return { result: null };
      case "dump": {
        const buf = await (await pg.dumpDataDir("none")).arrayBuffer();
        return { result: buf, transfer: [buf] };
      }
      case "close":
        await pg.exec("CHECKPOINT");
        await pg.close();
        return { result: null };
    }
  }

  port.on("message", (req: EmbeddedRequest) => {
    run(req).then(
      ({ result, transfer }) => {
        send({ kind: "result", id: req.id, result, fsyncCalls: durableFs.fsyncCalls }, transfer);
        if (req.op === "close") port.close();
      },
      (err: unknown) => send({ kind: "failed", id: req.id, error: shapeOf(err), fsyncCalls: durableFs.fsyncCalls }),
    );
  });
  send({ kind: "ready", fsyncCalls: durableFs.fsyncCalls });
}

void main();
