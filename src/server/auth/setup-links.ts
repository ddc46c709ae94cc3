import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { setupTokens, users } from "../db/schema.js";
import { hashToken, randomToken } from "../crypto/random.js";
import { appendAudit } from "../audit/log.js";
import type { Role } from "../../shared/roles.js";
import type { TeamId } from "../../shared/case-states.js";

const LINK_TTL_HOURS = 72;

/**
 * The link carries its token after `#`, so it never reaches a server log or a proxy:
 * the console reads it from the fragment and posts it.
 */
export function setupLinkUrl(staffUrl: string, token: string): string {
  return `${staffUrl}/console/setup#token=${token}`;
}

/** Invite a staff member: a one-time link to choose a password and enrol 2FA. */
export async function inviteStaff(ctx: AppContext, input: { role: Role; username?: string; teams?: TeamId[]; invitedBy: string | null }) {
  const token = randomToken();
  const expiresAt = new Date(ctx.now().getTime() + LINK_TTL_HOURS * 3600_000);
  const [row] = await ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(setupTokens)
      .values({ tokenHash: hashToken(token), purpose: "invite", role: input.role, username: input.username ?? null, teams: input.teams ?? null, createdBy: input.invitedBy, expiresAt })
      .returning({ id: setupTokens.id });
    await appendAudit(tx, ctx.keys.subkey("audit"), {
      actorId: input.invitedBy,
      action: "staff.invited",
      subjectType: "invitation",
      subjectId: inserted[0]!.id,
      details: { role: input.role },
    });
    return inserted;
  });
  return { id: row!.id, link: setupLinkUrl(ctx.config.staffUrl, token), expiresAt };
}

/**
 * On an empty database there is no default password: a one-time link to create the first admin.
 * Each start replaces the previous unused link, so only the newest printed link works.
 */
export async function issueFirstAdminLink(ctx: AppContext): Promise<string | null> {
  return ctx.db.transaction(async (tx) => {
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    if (n > 0) return null;
    await tx.delete(setupTokens).where(and(eq(setupTokens.purpose, "first_admin"), isNull(setupTokens.usedAt)));
    const token = randomToken();
    const expiresAt = new Date(ctx.now().getTime() + 24 * 3600_000);
    await tx.insert(setupTokens).values({ tokenHash: hashToken(token), purpose: "first_admin", role: "admin", expiresAt });
    await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "staff.first_admin_link_issued" });
    return setupLinkUrl(ctx.config.staffUrl, token);
  });
}

/** The live, unused link behind a token, or null: expired, used and unknown look the same. */
export async function findSetupLink(ctx: AppContext, token: string) {
  const [row] = await ctx.db
    .select()
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, ctx.now())));
  return row ?? null;
}
