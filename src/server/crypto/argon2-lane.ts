import { AsyncLocalStorage } from "node:async_hooks";
import os from "node:os";
import { Slots } from "./slots.js";

/**
 * Argon2id runs on libuv's thread pool, and during an intake flood the applicant side's runs
 * (receipt hash, applicant key, slow indexes, proof-of-work checks) took every core: the operators'
 * requests waited behind them, 15-30× their idle p99 (issue 16). Work started by the public
 * listener therefore runs in a lane of its own, at most `limit` Argon2 runs at a time (by default
 * one core fewer than the machine has), queued in order; staff work never waits for that lane.
 * The lane is known from the request's async context, set where the public listener takes a
 * connection (http/base.ts), so no command has to pass it along.
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

/** Every asynchronous Argon2id run goes through here (crypto/sodium-api.ts). */
export function inArgon2Lane<T>(run: () => Promise<T>): Promise<T> {
  return isPublicWork() ? lane.run(run) : run();
}
