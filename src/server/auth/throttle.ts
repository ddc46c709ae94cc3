/**
 * Login throttle. Failures are counted per (account, client key) pair, so an attacker hammering
 * an account from his own address locks only that pair: the real person, coming from elsewhere,
 * can still sign in. Each lock is short (doubling from 30 s, capped at 15 min) and never
 * permanent. Brute force stays hopeless because every account also needs its TOTP code.
 * Kept in memory: a restart clears it, which at worst gives an attacker a few more tries.
 */
const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private entries = new Map<string, Entry>();

  private key(username: string, client: string): string {
    return `${username.trim().toLowerCase()}\u0000${client}`;
  }

  /** Milliseconds the caller must still wait, or 0. */
  retryAfter(username: string, client: string, now: number): number {
    const e = this.entries.get(this.key(username, client));
    return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  recordFailure(username: string, client: string, now: number): void {
    const k = this.key(username, client);
    const e = this.entries.get(k);
    const entry = e && now - e.lastFailure < FORGET_AFTER_MS ? e : { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures >= FREE_FAILURES) {
      const lock = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (entry.failures - FREE_FAILURES));
      entry.lockedUntil = now + lock;
    }
    this.entries.delete(k);
    this.entries.set(k, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  recordSuccess(username: string, client: string): void {
    this.entries.delete(this.key(username, client));
  }
}
