import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { hashPassword, verifyPassword } from "../crypto/password.js";
import { openWithServerKey } from "../crypto/server-key.js";
import { appendAudit } from "../audit/log.js";
import { AppError } from "../errors.js";
import { startSession } from "./sessions.js";
import { checkTotp } from "./totp.js";
import { sessionLimits, spendTotpStep, totpAd } from "./enrolment.js";
import type { LoginThrottle } from "./throttle.js";
import { pepperOf, unlockStaffKey, upgradeStaffSecrets } from "../keys/staff.js";
import { ensureEscrowCopy } from "../keys/recovery.js";
import { wipe } from "../crypto/secure.js";

// A hash to verify against when the username is unknown, so both cases cost the same time.
let dummyHash: Promise<string> | null = null;
const getDummyHash = (pepper: Buffer) => (dummyHash ??= hashPassword("not a real password, only for timing", pepper));

const INVALID = () => new AppError("unauthenticated", "wrong username, password or code");

/**
 * Sign in with username, password and TOTP code at once, so a failure never says which of the
 * three was wrong. An account without TOTP yet gets a session that can only enrol it.
 * Every success and failure is audited; failures also feed the per-client throttle.
 */
export async function login(ctx: AppContext, throttle: LoginThrottle, input: { username: string; password: string; totp?: string | undefined }, client: string) {
  const now = ctx.now();
  // Checked before the password, so the answer never tells whether the password was right.
  const wait = Math.max(throttle.retryAfter(input.username, client, now.getTime()), throttle.accountRetryAfter(input.username, now.getTime()));
  if (wait > 0) throw new AppError("rate_limited", `too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterSeconds: Math.ceil(wait / 1000) });

  const [user] = await ctx.db.select().from(users).where(sql`lower(${users.username}) = lower(${input.username})`);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await getDummyHash(pepperOf(ctx.keys))), input.password, pepperOf(ctx.keys));

  const fail = async (reason: string) => {
    throttle.recordFailure(input.username, client, now.getTime());
    await ctx.db.transaction((tx) =>
      appendAudit(tx, ctx.keys.subkey("audit"), {
        actorId: null,
        action: "staff.login_failed",
        ...(user ? { subjectType: "staff", subjectId: user.id } : {}),
        details: { reason },
      }),
    );
    return INVALID();
  };

  if (!user) throw await fail("unknown_user");
  if (!passwordOk) throw await fail("bad_password");
  if (user.disabledAt) throw await fail("disabled");

  let stage: "enrol" | "full" = "enrol";
  let step: number | null = null;
  if (user.totpEnabled && user.totpSecretEnc) {
    const secret = openWithServerKey(ctx.keys.subkey("totp"), user.totpSecretEnc, totpAd(user.id));
    step = checkTotp(secret, input.totp ?? "", user.totpLastStep, now);
    if (step === null) {
      // The password was right: whoever is guessing codes knows it, wherever he comes from.
      throttle.recordSecondFactorFailure(input.username, now.getTime());
      throw await fail("bad_totp");
    }
    stage = "full";
  }

  // The password also unwraps the staff private key; the session keeps it wrapped under a cookie secret.
  const privateKey = await unlockStaffKey(ctx.db, ctx.keys, user.id, input.password);
  if (!privateKey) throw await fail("key_unavailable");
  try {
    await upgradeStaffSecrets(ctx.db, ctx.keys, user.id, input.password, privateKey);
    await ensureEscrowCopy(ctx, user.id, privateKey);
    const result = await ctx.db.transaction(async (tx) => {
      // One atomic check-and-set: of two parallel logins with the same code, only one moves the step.
      if (step !== null && !(await spendTotpStep(tx, user.id, step))) throw new AppError("unauthenticated", "replayed");
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: user.id, action: "staff.login", subjectType: "staff", subjectId: user.id, details: { stage } });
      const session = await startSession(tx, user.id, stage, sessionLimits(ctx), now, privateKey);
      return { session, stage, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role } };
    });
    throttle.recordSuccess(input.username, client, stage === "full");
    return result;
  } catch (err) {
    if (err instanceof AppError && err.message === "replayed") throw await fail("totp_replayed");
    throw err;
  } finally {
    wipe(privateKey);
  }
}
