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

  /**
   * Wait for a slot and get the function that gives it back (once; later calls do nothing), for
   * a slot held across callbacks rather than around one function (an HTTP request, from a hook
   * to its response's end). `full()` is thrown at once when the queue is at its bound.
   */
  async acquire(full?: () => Error): Promise<() => void> {
    return this.take() ?? this.wait(full);
  }

  /** Run `fn` in a slot (at once, in the same tick, when one is free); `full()` is thrown at once when the queue is at its bound. */
  async run<T>(fn: () => Promise<T>, full?: () => Error): Promise<T> {
    const release = this.take() ?? (await this.wait(full));
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private take(): (() => void) | null {
    if (this.running >= this.limit) return null;
    this.running++;
    return this.releaser();
  }

  private async wait(full?: () => Error): Promise<() => void> {
    if (this.waiting.length >= this.maxWaiting) throw full ? full() : new Error("no slot free and the queue is full");
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.releaser();
  }

  private releaser(): () => void {
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      // The slot passes on (`running` stays the same), unless the limit was lowered below the
      // jobs running: then it is given up, and the lower limit holds once enough have finished.
      const next = this.running <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.running--;
    };
  }
}
