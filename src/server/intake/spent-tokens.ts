import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { intakeSpentTokens } from "./tables.js";

/** How long a request form's token keeps answering "already sent" after it produced a request. */
const DONE_KEPT_MS = 24 * 3600_000;
/** Expired rows are swept at most this often per process, on the way in. */
const PRUNE_EVERY_MS = 60_000;

export type Claim = "claimed" | "done" | "taken";

/**
 * Spent form tokens in the database (table intake_spent_tokens), so that a restart or a second
 * instance cannot replay a proof of work, and a request form posted twice opens one case.
 * Claiming is one INSERT … ON CONFLICT DO NOTHING: of two posts of the same token, in one
 * instance or two, exactly one wins.
 */
export class SpentTokens {
  private lastPrune = 0;

  constructor(private readonly db: Db) {}

  /** "done" if this token already produced a request (or was spent otherwise: "taken"). */
  async state(id: Buffer): Promise<Claim | null> {
    const [row] = await this.db.select({ doneAt: intakeSpentTokens.doneAt }).from(intakeSpentTokens).where(eq(intakeSpentTokens.id, id));
    if (!row) return null;
    return row.doneAt ? "done" : "taken";
  }

  /** Spend a token; "claimed" only for the first caller. */
  async claim(id: Buffer, expiresMs: number, now: Date): Promise<Claim> {
    await this.prune(now);
    const inserted = await this.db
      .insert(intakeSpentTokens)
      .values({ id, expiresAt: new Date(Math.max(expiresMs, now.getTime() + 60_000)) })
      .onConflictDoNothing()
      .returning({ id: intakeSpentTokens.id });
    if (inserted.length) return "claimed";
    return (await this.state(id)) === "done" ? "done" : "taken";
  }

  /** The request was committed: from now on this token answers "already sent". */
  async markDone(id: Buffer, now: Date): Promise<void> {
    await this.db
      .update(intakeSpentTokens)
      .set({ doneAt: now, expiresAt: new Date(now.getTime() + DONE_KEPT_MS) })
      .where(eq(intakeSpentTokens.id, id));
  }

  /** The request could not be recorded: let the same form be sent again. */
  async release(id: Buffer): Promise<void> {
    await this.db.delete(intakeSpentTokens).where(and(eq(intakeSpentTokens.id, id), isNull(intakeSpentTokens.doneAt)));
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.db.delete(intakeSpentTokens).where(lt(intakeSpentTokens.expiresAt, now));
  }
}
