import { AsyncLocalStorage } from "node:async_hooks";
import os from "node:os";
import { Slots } from "./slots.js";
import { retireIdle, runInPool, type Argon2Job, type Reply } from "./argon2-pool.js";
import { wipe } from "./secure.js";

/**
 * Every asynchronous Argon2id run goes to one of two lanes, each a bounded number of threads at a
 * lowered CPU priority (argon2-pool.ts), so the event loop and the embedded store's thread, which
 * answer requests, always come first:
 *  - the public lane, for work started by the public listener (receipt hash, applicant key, slow
 *    indexes, proof-of-work checks): in an intake flood these runs took every core and the
 *    operators' requests waited behind them, 15-30× their idle p99 (issue 16). At most `limit`
 *    at a time (one core fewer than the machine has), queued in order, at nice 10 by default;
 *  - the staff lane, for everyone else's (a search's slow indexes, sign-in): four searches at
 *    once, three runs each, on libuv's threads at normal priority made the applicant site's
 *    GET / p99 2.5× its idle figure (issue 17). At nice 5 it still comes before the public lane.
 * The public lane is known from the request's async context, set where the public listener takes
 * a connection (http/base.ts), so no command has to pass it along.
 */
const publicContext = new AsyncLocalStorage<true>();

/** As many staff runs at once as libuv's default pool had threads; a search needs at most five. */
const STAFF_ARGON2_LIMIT = 4;
const STAFF_ARGON2_NICE = 5;

class Argon2Lane {
  private readonly slots: Slots;
  /** The thread of the last finished run, and the nice value it reported (null: not lowered, or no run yet). */
  lastRun: { tid: number | null; nice: number | null } = { tid: null, nice: null };

  constructor(
    limit: number,
    public nice: number,
  ) {
    this.slots = new Slots(limit);
  }

  setLimit(n: number): void {
    this.slots.setLimit(n);
  }

  load() {
    return this.slots.load();
  }

  /**
   * Threads already started keep their priority (a thread may only lower its own): the idle ones
   * of the old value end, and new ones start. Should the other lane run at that value, it only
   * starts its threads afresh.
   */
  setNice(n: number): void {
    const wanted = Math.min(19, Math.max(0, Math.floor(n)));
    if (wanted === this.nice) return;
    retireIdle(this.nice);
    this.nice = wanted;
  }

  private async run(job: Argon2Job): Promise<Reply> {
    const r = await this.slots.run(() => runInPool(job, this.nice));
    this.lastRun = { tid: r.tid, nice: r.nice };
    return r;
  }

  /** The three runs, as sodium-api.ts calls them. */
  async hash(out: Buffer, password: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): Promise<void> {
    copyOut((await this.run({ op: "hash", password, salt, opslimit, memlimit, alg, outputLength: out.length })).out!, out);
  }
  async str(out: Buffer, password: Buffer, opslimit: number, memlimit: number): Promise<void> {
    copyOut((await this.run({ op: "str", password, opslimit, memlimit })).out!, out);
  }
  async verify(str: Buffer, password: Buffer): Promise<boolean> {
    return (await this.run({ op: "verify", password, str })).ok === true;
  }
}

function copyOut(from: Uint8Array, to: Buffer): void {
  to.set(from.subarray(0, to.length));
  wipe(from);
}

export function defaultPublicArgon2Limit(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

const publicLane = new Argon2Lane(defaultPublicArgon2Limit(), 10);
const staffLane = new Argon2Lane(STAFF_ARGON2_LIMIT, STAFF_ARGON2_NICE);

/** The lane for the work in progress: the public listener's, or the staff side's. */
export const argon2LaneHere = (): Argon2Lane => (isPublicWork() ? publicLane : staffLane);

export function setPublicArgon2Limit(n: number): void {
  publicLane.setLimit(n);
}

/** Run `fn` (and everything it starts) as work of the public listener. */
export function asPublicWork<T>(fn: () => T): T {
  return publicContext.run(true, fn);
}

/** True inside work started by the public listener (the embedded store's queue reads it too). */
export function isPublicWork(): boolean {
  return publicContext.getStore() === true;
}

/** The nice value the public lane's threads take (INTAKE_ARGON2_NICE). */
export function setPublicArgon2Nice(n: number): void {
  publicLane.setNice(n);
}

export interface Argon2LaneStatus {
  running: number;
  waiting: number;
  limit: number;
  /** The nice value its new threads take, and what the last finished run's thread reported. */
  nice: number;
  lastRun: Argon2Lane["lastRun"];
}

/** A lane's runs (running and queued), its nice value and its last run's thread, for the metrics and the tests. */
export function argon2LaneStatus(lane: "public" | "staff"): Argon2LaneStatus {
  const l = lane === "public" ? publicLane : staffLane;
  return { ...l.load(), nice: l.nice, lastRun: l.lastRun };
}
