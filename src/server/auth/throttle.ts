import net from "node:net";

/**
 * Login throttle, two kinds of counters, both in memory (a restart clears them, which at worst
 * gives an attacker a few more tries):
 * - failures per (account, client), so an attacker hammering an account from his own address
 *   locks only that pair and the real person, coming from elsewhere, can still sign in. IPv6
 *   clients are counted per /64, the block one subscriber usually gets: otherwise each of his
 *   2^64 addresses would be a fresh client.
 * - second-factor failures per account, counted only after a correct password: whoever is
 *   guessing TOTP codes already knows the password, so changing address must not help him.
 *   This one locks the account everywhere; the real person sees "try again in N s" and, if he
 *   did not cause it, knows his password is known.
 * Each lock is short (doubling from 30 s, capped at 15 min) and never permanent.
 */
const FREE_FAILURES = 5;
const FREE_SECOND_FACTOR_FAILURES = 3;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** The part of a client address the throttle tells apart: IPv4 as is, IPv6 by its /64 prefix. */
export function throttleAddress(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(address)) return address;
  const [head = "", tail = ""] = address.split("%")[0]!.split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g || "0", 16).toString(16)).join(":")}::/64`;
}

class Counter {
  private entries = new Map<string, Entry>();
  constructor(private readonly free: number) {}

  retryAfter(key: string, now: number): number {
    const e = this.entries.get(key);
    return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  fail(key: string, now: number): void {
    const e = this.entries.get(key);
    const entry = e && now - e.lastFailure < FORGET_AFTER_MS ? e : { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures >= this.free) entry.lockedUntil = now + Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (entry.failures - this.free));
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

export class LoginThrottle {
  private pairs = new Counter(FREE_FAILURES);
  private accounts = new Counter(FREE_SECOND_FACTOR_FAILURES);

  private account(username: string): string {
    return username.trim().toLowerCase();
  }

  private pair(username: string, client: string): string {
    return `${this.account(username)}\u0000${client}`;
  }

  /** Milliseconds this (account, client) must still wait, or 0. */
  retryAfter(username: string, client: string, now: number): number {
    return this.pairs.retryAfter(this.pair(username, client), now);
  }

  /** Milliseconds the account must still wait after second-factor failures, or 0. */
  accountRetryAfter(username: string, now: number): number {
    return this.accounts.retryAfter(this.account(username), now);
  }

  recordFailure(username: string, client: string, now: number): void {
    this.pairs.fail(this.pair(username, client), now);
  }

  /** A wrong TOTP code after a correct password. */
  recordSecondFactorFailure(username: string, now: number): void {
    this.accounts.fail(this.account(username), now);
  }

  /** A good sign-in clears the pair; a full one (with TOTP) also clears the account's counter. */
  recordSuccess(username: string, client: string, secondFactor = false): void {
    this.pairs.forget(this.pair(username, client));
    if (secondFactor) this.accounts.forget(this.account(username));
  }
}
