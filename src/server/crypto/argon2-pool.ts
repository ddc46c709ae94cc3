import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { wipe } from "./secure.js";

/**
 * Threads of their own for Argon2id, each at a lower CPU priority than the event loop and the
 * embedded store's thread (issues 16 and 17). The lanes (argon2-lane.ts) bound how many run at
 * once, but on a two-core machine even the runs they allowed took a core from the requests being
 * answered whenever both wanted it: in an intake flood the operators' p99 doubled, and four staff
 * searches (three runs each) made the applicant site's p99 2.5×. A thread at a higher nice value
 * gets the CPU when the threads answering requests leave it idle, and at full speed then.
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
export interface Reply {
  id: number;
  /** The thread's id and the nice value it read back for itself (null where it could not lower it). */
  tid: number | null;
  nice: number | null;
  out?: Uint8Array;
  ok?: boolean;
  error?: string;
}

/** Idle threads by the nice value they run at: a thread may only lower its own priority, never raise it. */
const idle = new Map<number, Worker[]>();
const sodiumPath = createRequire(import.meta.url).resolve("sodium-native");
let nextId = 1;

/** Ends the idle threads of one nice value (a lane that moved to another value no longer needs them). */
export function retireIdle(nice: number): void {
  for (const w of idle.get(nice)?.splice(0) ?? []) void w.terminate();
}

/** One run on an idle thread of `nice` (a new one if none is idle; the lane bounds how many). */
export function runInPool(job: Argon2Job, nice: number): Promise<Reply> {
  let free = idle.get(nice);
  if (!free) idle.set(nice, (free = []));
  const worker = free.pop() ?? new Worker(THREAD_SOURCE, { eval: true, workerData: { sodium: sodiumPath, nice } });
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
        free.push(worker);
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
