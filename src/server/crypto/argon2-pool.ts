import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { wipe } from "./secure.js";

/**
 * Threads of their own for the applicant side's Argon2id, each at a lower CPU priority than the
 * server's other threads (issue 16). The lane (argon2-lane.ts) bounds how many run at once, but on
 * a two-core machine the one run it allowed still took a core from the operators' requests and
 * the embedded store's thread whenever both wanted it, and their p99 doubled in an intake flood.
 * A thread at a higher nice value gets the CPU only when the staff side's threads leave it idle,
 * and at full speed then: applicants wait a little longer in a flood, operators do not.
 *
 * The runs are libsodium's own crypto_pwhash / _str / _str_verify (sodium-native), called in the
 * thread; nothing of the algorithm is written here. On Linux a thread's id is a pid to
 * setpriority(), so each thread lowers itself only; elsewhere the threads keep normal priority.
 *
 * The thread's code is plain CommonJS evaluated from this string: it needs no TypeScript loader
 * (the tests and benches run from source) and adds only an isolate, a few MB, per thread.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const os = require("node:os");
const sodium = require(workerData.sodium);
let nice = null;
let tid = null;
try {
  tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
  os.setPriority(tid, workerData.nice);
  nice = os.getPriority(tid);
} catch {}
const buf = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
parentPort.on("message", (job) => {
  const password = buf(job.password);
  try {
    if (job.op === "hash") {
      const out = Buffer.alloc(job.outputLength);
      sodium.crypto_pwhash(out, password, buf(job.salt), job.opslimit, job.memlimit, job.alg);
      parentPort.postMessage({ id: job.id, tid, nice, out }, [out.buffer]);
    } else if (job.op === "str") {
      const out = Buffer.alloc(sodium.crypto_pwhash_STRBYTES);
      sodium.crypto_pwhash_str(out, password, job.opslimit, job.memlimit);
      parentPort.postMessage({ id: job.id, tid, nice, out }, [out.buffer]);
    } else {
      parentPort.postMessage({ id: job.id, tid, nice, ok: sodium.crypto_pwhash_str_verify(buf(job.str), password) });
    }
  } catch (err) {
    parentPort.postMessage({ id: job.id, tid, nice, error: String(err && err.message) });
  } finally {
    sodium.sodium_memzero(password);
  }
});
`;

export type Argon2Job =
  | { op: "hash"; password: Buffer; salt: Buffer; opslimit: number; memlimit: number; alg: number; outputLength: number }
  | { op: "str"; password: Buffer; opslimit: number; memlimit: number }
  | { op: "verify"; password: Buffer; str: Buffer };
interface Reply {
  id: number;
  /** The thread's id and the nice value it read back for itself (null where it could not lower it). */
  tid: number | null;
  nice: number | null;
  out?: Uint8Array;
  ok?: boolean;
  error?: string;
}

/** The priority every thread of the pool lowers itself to (a nice value, 0 to 19). */
let niceValue = 10;
/** The thread of the last finished run, and the nice value it reported (null: not lowered, or no run yet). */
let last: { tid: number | null; nice: number | null } = { tid: null, nice: null };
const idle: Worker[] = [];
const sodiumPath = createRequire(import.meta.url).resolve("sodium-native");
let nextId = 1;

export function setPoolNice(n: number): void {
  const wanted = Math.min(19, Math.max(0, Math.floor(n)));
  if (wanted === niceValue) return;
  niceValue = wanted;
  // Threads already started keep their priority (a thread may only lower its own): start afresh.
  for (const w of idle.splice(0)) void w.terminate();
}

export function poolNice(): { wanted: number; lastRun: { tid: number | null; nice: number | null } } {
  return { wanted: niceValue, lastRun: last };
}

/** One run on an idle thread of the pool (a new one if none is idle; the lane bounds how many). */
export function runInPool(job: Argon2Job): Promise<Reply> {
  const worker = idle.pop() ?? new Worker(THREAD_SOURCE, { eval: true, workerData: { sodium: sodiumPath, nice: niceValue } });
  worker.ref(); // a run in flight keeps the process alive, an idle thread does not
  const id = nextId++;
  return new Promise<Reply>((resolve, reject) => {
    const done = (fn: () => void) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      fn();
    };
    const onMessage = (r: Reply) => {
      if (r.id !== id) return;
      done(() => {
        worker.unref();
        idle.push(worker);
        last = { tid: r.tid, nice: r.nice };
        if (r.error !== undefined) reject(new Error(`Argon2id failed: ${r.error}`));
        else resolve(r);
      });
    };
    const onError = (err: Error) => done(() => reject(err));
    const onExit = (code: number) => done(() => reject(new Error(`the Argon2id thread ended (exit ${code})`)));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    // Exact copies, each with a buffer of its own: a small Buffer is often a view of a shared
    // pool slab, and posting the view would clone the whole slab into the thread. The copies are
    // cloned by postMessage at once, so they are wiped straight after.
    const copies: Uint8Array[] = [];
    const own = (b: Buffer) => (copies.push(new Uint8Array(b)), copies[copies.length - 1]!);
    try {
      if (job.op === "hash") worker.postMessage({ ...job, id, password: own(job.password), salt: own(job.salt) });
      else if (job.op === "str") worker.postMessage({ ...job, id, password: own(job.password) });
      else worker.postMessage({ ...job, id, password: own(job.password), str: own(job.str) });
    } finally {
      wipe(...copies);
    }
  });
}
