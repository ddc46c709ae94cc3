import type { FloodMode } from "./settings.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The public listener's flood switch (set by registerIntakeRoutes). */
    intakeFlood?: FloodGuard;
  }
}

export interface FloodOptions {
  mode: FloodMode;
  minPerMinute: number;
  factor: number;
  baseBits: number;
  maxBits: number;
  maxInFlight: number;
  /** How long auto mode stays on after the rate has come back under the threshold. */
  quietMs?: number;
}

const WINDOW_S = 60;
const BASELINE_MINUTES = 60; // the usual rate is an average over about the last hour

/**
 * The flood switch. It counts the costly posts (a request, a code check) of every client
 * together, never per person, and holds nothing but counters in memory:
 * - "off": never ask for proof of work; "on": always ask;
 * - "auto" (default): ask while the posts of the last minute exceed max(minPerMinute,
 *   factor × the usual rate), and for a quiet period after. The usual rate is a moving average
 *   per minute, frozen while the switch is on so that a long flood cannot become the norm.
 * Difficulty grows by one bit each time the rate doubles over the threshold (the client's work
 * doubles), from baseBits up to maxBits.
 * It also bounds the Argon2 work running at once (tryEnter/leave), whatever the mode: beyond
 * that the server answers "busy" at once instead of queueing without end.
 */
export class FloodGuard {
  private mode: FloodMode;
  private readonly buckets = new Uint32Array(WINDOW_S);
  private total = 0;
  private lastSecond = 0;
  private baseline = 0;
  private minute = 0;
  private minuteCount = 0;
  private activeUntil = 0;
  private inFlight = 0;
  private readonly quietMs: number;

  constructor(
    private readonly opts: FloodOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.mode = opts.mode;
    this.quietMs = opts.quietMs ?? 10 * 60_000;
    const now = clock();
    this.lastSecond = Math.floor(now / 1000);
    this.minute = Math.floor(now / 60_000);
  }

  setMode(mode: FloodMode): void {
    this.mode = mode;
    if (mode !== "auto") this.activeUntil = 0;
  }

  getMode(): FloodMode {
    return this.mode;
  }

  /** Costly posts being processed right now (for the metrics). */
  inFlightCount(): number {
    return this.inFlight;
  }

  /** Count one costly post (accepted or not: a refused flood is still a flood). */
  record(): void {
    const now = this.clock();
    this.advance(now);
    this.buckets[this.lastSecond % WINDOW_S]! += 1;
    this.total += 1;
    this.minuteCount += 1;
    this.evaluate(now);
  }

  /** Costly posts in the last 60 seconds, all clients together. */
  ratePerMinute(): number {
    this.advance(this.clock());
    return this.total;
  }

  threshold(): number {
    return Math.max(this.opts.minPerMinute, this.opts.factor * this.baseline);
  }

  /** Is proof of work required right now? */
  active(): boolean {
    if (this.mode === "on") return true;
    if (this.mode === "off") return false;
    const now = this.clock();
    this.advance(now);
    this.evaluate(now);
    return now < this.activeUntil;
  }

  /** Leading zero bits asked of the client now; 0 when the switch is off. */
  difficulty(): number {
    if (!this.active()) return 0;
    const over = this.total / this.threshold();
    const extra = over >= 2 ? Math.floor(Math.log2(over)) : 0;
    return Math.min(this.opts.maxBits, this.opts.baseBits + extra);
  }

  tryEnter(): boolean {
    if (this.inFlight >= this.opts.maxInFlight) return false;
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  private evaluate(now: number): void {
    if (this.mode !== "auto") return;
    const threshold = this.threshold();
    if (this.total > threshold) this.activeUntil = now + this.quietMs;
    // While on, half the threshold is enough to keep it on: no flapping at the edge.
    else if (now < this.activeUntil && this.total > threshold / 2) this.activeUntil = Math.max(this.activeUntil, now + this.quietMs);
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    const gap = second - this.lastSecond;
    if (gap > 0) {
      for (let i = 1; i <= Math.min(gap, WINDOW_S); i++) {
        const b = (this.lastSecond + i) % WINDOW_S;
        this.total -= this.buckets[b]!;
        this.buckets[b] = 0;
      }
      this.lastSecond = second;
    }
    const minute = Math.floor(now / 60_000);
    if (minute > this.minute) {
      const on = this.mode === "on" || now < this.activeUntil;
      if (!on) {
        // One step for the minute that ended, then decay for the empty minutes after it.
        const keep = 1 - 1 / BASELINE_MINUTES;
        this.baseline = this.baseline * keep + this.minuteCount / BASELINE_MINUTES;
        const empty = Math.min(minute - this.minute - 1, 24 * 60);
        if (empty > 0) this.baseline *= keep ** empty;
      }
      this.minute = minute;
      this.minuteCount = 0;
    }
  }
}
