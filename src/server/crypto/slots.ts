/**
 * A few jobs at once, the rest waiting in the order they came: a finished job hands its slot
 * straight to the next waiter. Staff searches (cases/search-bounds.ts) and the applicant side's
 * Argon2id runs (argon2-lane.ts) both take turns this way, and so do applicant requests while
 * staff requests run (http/staff-first.ts). It lives in crypto/ because the lane
 * does, and crypto/ imports nothing from outside itself. `run` refuses at once, instead of
 * queueing, once `maxWaiting` callers already wait.
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private limit: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  setLimit(n: number): void {
    this.limit = Math.max(1, Math.floor(n));
    while (this.running < this.limit && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!();
    }
  }

  load(): { running: number; waiting: number; limit: number } {
    return { running: this.running, waiting: this.waiting.length, limit: this.limit };
  }

  /** Run `fn` in a slot; `full()` is thrown at once when the queue is at its bound. */
  async run<T>(fn: () => Promise<T>, full?: () => Error): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw full ? full() : new Error("no slot free and the queue is full");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await fn();
    } finally {
      // The slot passes on (`running` stays the same), unless the limit was lowered below the
      // jobs running: then it is given up, and the lower limit holds once enough have finished.
      const next = this.running <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.running--;
    }
  }
}
