import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { hashPassword } from "../crypto/password.js";
import { sealWithServerKey } from "../crypto/server-key.js";
import { appendAudit } from "../audit/log.js";
import { newTotpSecret } from "../auth/totp.js";
import { totpAd } from "../auth/enrolment.js";
import type { Role } from "../../shared/roles.js";
import { createStaffKeys } from "../keys/staff.js";
import { addTeamMember, bootstrapTeams, DEFAULT_TEAM, grantPendingTeamKeys } from "../keys/teams.js";
import { wipe } from "../crypto/secure.js";

/** Demo staff, one per role. Passwords and TOTP secrets are printed: a demo store only. */
const DEMO_STAFF: { username: string; displayName: string; role: Role }[] = [
  { username: "admin", displayName: "Олена Адміністраторка", role: "admin" },
  { username: "operator1", displayName: "Марія Коваль", role: "operator" },
  { username: "operator2", displayName: "Андрій Мельник", role: "operator" },
  { username: "verifier1", displayName: "Ігор Бондар", role: "verifier" },
  { username: "coordinator1", displayName: "Сергій Ткаченко", role: "coordinator" },
  { username: "registrar1", displayName: "Наталія Шевчук", role: "registrar" },
  { username: "rewards1", displayName: "Віктор Кравченко", role: "reward_officer" },
  { username: "resettle1", displayName: "Оксана Лисенко", role: "resettlement_officer" },
  { username: "supervisor1", displayName: "Юрій Олійник", role: "supervisor" },
];

export const DEMO_PASSWORD = "demo-password-change-me";

export async function loadDemoData(ctx: AppContext): Promise<string> {
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(users);
  if (n > 0) throw new Error("the store already has staff accounts; demo data goes into an empty store only");
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const lines = [`Demo staff (password for all: ${DEMO_PASSWORD}); add each TOTP secret to an authenticator app:`];
  const admin = await ctx.db.transaction(async (tx) => {
    let adminKey: { id: string; privateKey: Buffer } | null = null;
    for (const s of DEMO_STAFF) {
      const totp = newTotpSecret();
      const [u] = await tx.insert(users).values({ ...s, passwordHash, totpEnabled: true }).returning({ id: users.id });
      await tx.update(users).set({ totpSecretEnc: sealWithServerKey(ctx.keys.subkey("totp"), totp.bytes, totpAd(u!.id)) }).where(sql`${users.id} = ${u!.id}`);
      const keys = await createStaffKeys(tx, u!.id, DEMO_PASSWORD);
      if (s.role === "admin") {
        await bootstrapTeams(tx, u!.id, keys.keyPair.publicKey);
        adminKey = { id: u!.id, privateKey: keys.keyPair.privateKey };
      } else wipe(keys.keyPair.privateKey);
      const team = DEFAULT_TEAM[s.role];
      if (team) await addTeamMember(tx, team, u!.id);
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "staff.created", subjectType: "staff", subjectId: u!.id, details: { role: s.role, via: "demo" } });
      lines.push(`  ${s.username.padEnd(14)} ${s.role.padEnd(22)} TOTP secret ${totp.base32}   recovery key ${keys.recoveryKey}`);
    }
    return adminKey!;
  });
  // The admin is custodian of every team key: admit the demo members now.
  await grantPendingTeamKeys(ctx.db, admin.id, admin.privateKey);
  wipe(admin.privateKey);
  return lines.join("\n");
}
