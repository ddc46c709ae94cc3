import type { AppContext } from "../context.js";

/**
 * The console refetches the inbox on every live event and every poll, so auditing each fetch
 * wrote the same `case.inbox_read` row again and again. A session's read is audited once per
 * change of what it read: the cases, the sections and the messages previewed. Kept in memory per
 * process (bounded): a restart or a second instance writes the row once more, which errs on the
 * side of the log. The fingerprint holds ids only, never a value.
 */
const MAX_SESSIONS = 1000;
const stores = new WeakMap<AppContext["database"], Map<string, string>>();

function storeOf(ctx: Pick<AppContext, "database">): Map<string, string> {
  let m = stores.get(ctx.database);
  if (!m) stores.set(ctx.database, (m = new Map()));
  return m;
}

/** Whether this session already had exactly this read audited. */
export function alreadyAudited(ctx: Pick<AppContext, "database">, sessionIdHash: Buffer, fingerprint: string): boolean {
  return storeOf(ctx).get(sessionIdHash.toString("hex")) === fingerprint;
}

/** Remember the read once its audit row has committed. */
export function rememberAudited(ctx: Pick<AppContext, "database">, sessionIdHash: Buffer, fingerprint: string): void {
  const m = storeOf(ctx);
  const key = sessionIdHash.toString("hex");
  m.delete(key);
  m.set(key, fingerprint);
  // A Map iterates in insertion order: the first key is the session least recently audited.
  if (m.size > MAX_SESSIONS) m.delete(m.keys().next().value!);
}
