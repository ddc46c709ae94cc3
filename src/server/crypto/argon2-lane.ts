import { AsyncLocalStorage } from "node:async_hooks";
import os from "node:os";
import { Slots } from "./slots.js";
import { runInPool, setPoolNice, poolNice, type Argon2Job } from "./argon2-pool.js";
import { wipe } from "./secure.js";

/**
 * Argon2id runs on libuv's thread pool, and during an intake flood the applicant side's runs
 * (receipt hash, applicant key, slow indexes, proof-of-work checks) took every core: the operators'
 * requests waited behind them, 15-30× their idle p99 (issue 16). Work started by the public
 * listener therefore runs in a lane of its own, at most `limit` Argon2 runs at a time (by default
 * one core fewer than the machine has), queued in order; staff work never waits for that lane.
 * The lane is known from the request's async context, set where the public listener takes a
 * connection (http/base.ts), so no command has to pass it along. Its runs go to threads of lower
 * CPU priority (argon2-pool.ts), so that even the runs it allows give way to staff work.
 */
const publicContext = new AsyncLocalStorage<true>();
const lane = new Slots(defaultPublicArgon2Limit());

export function defaultPublicArgon2Limit(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export function setPublicArgon2Limit(n: number): void {
  lane.setLimit(n);
}

/** Run `fn` (and everything it starts) as work of the public listener. */
export function asPublicWork<T>(fn: () => T): T {
  return publicContext.run(true, fn);
}

/** True inside work started by the public listener (the embedded store's queue reads it too). */
export function isPublicWork(): boolean {
  return publicContext.getStore() === true;
}

/** How many public Argon2 runs are running and queued (for the metrics and the tests). */
export function publicArgon2Load(): { running: number; waiting: number; limit: number } {
  return lane.load();
}

/** The nice value the lane's threads take (INTAKE_ARGON2_NICE), and what the last run's thread reported. */
export function setPublicArgon2Nice(n: number): void {
  setPoolNice(n);
}
export function publicArgon2Nice(): ReturnType<typeof poolNice> {
  return poolNice();
}

/** The lane's three runs, as sodium-api.ts calls them for work of the public listener. */
export const publicArgon2 = {
  async hash(out: Buffer, password: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): Promise<void> {
    const r = await lane.run(() => runInPool({ op: "hash", password, salt, opslimit, memlimit, alg, outputLength: out.length }));
    copyOut(r.out!, out);
  },
  async str(out: Buffer, password: Buffer, opslimit: number, memlimit: number): Promise<void> {
    const r = await lane.run(() => runInPool({ op: "str", password, opslimit, memlimit }));
    copyOut(r.out!, out);
  },
  async verify(str: Buffer, password: Buffer): Promise<boolean> {
    return (await lane.run(() => runInPool({ op: "verify", password, str } satisfies Argon2Job))).ok === true;
  },
};

function copyOut(from: Uint8Array, to: Buffer): void {
  to.set(from.subarray(0, to.length));
  wipe(from);
}
