import { sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { sealWithServerKey } from "../crypto/server-key.js";
import { appendAudit } from "../audit/log.js";
import { newTotpSecret } from "../auth/totp.js";
import { totpAd } from "../auth/enrolment.js";
import type { Role } from "../../shared/roles.js";
import type { TeamId } from "../../shared/case-states.js";
import { createStaffKeys, hashStaffPassword } from "../keys/staff.js";
import { addTeamMember, bootstrapTeams, DEFAULT_TEAM } from "../keys/teams.js";
import { admitMember, foundTeams, pendingAdmissions } from "../keys/admissions.js";
import { wipe } from "../crypto/secure.js";
import type { StaffSession } from "../auth/sessions.js";
import { loadDemoCases, prng } from "./cases.js";
import { loadDemoRegistrationStages } from "./registrations.js";
import { loadDemoRetention } from "./retention.js";
import { loadDemoHistory } from "../analytics/demo-history.js";
import { loadDemoOperations } from "./operations.js";
import { loadDemoResettlement } from "./resettlement.js";
import { loadDemoRewards } from "./rewards.js";

/** Demo staff, one per role. Passwords and TOTP secrets are printed: a demo store only. */
const DEMO_STAFF: { username: string; displayName: string; role: Role }[] = [
  { username: "admin", displayName: "Олена Адміністраторка", role: "admin" },
  // A second administrator: changes of retention periods need two.
  { username: "admin2", displayName: "Тарас Гнатюк", role: "admin" },
  { username: "operator1", displayName: "Марія Коваль", role: "operator" },
  { username: "operator2", displayName: "Андрій Мельник", role: "operator" },
  { username: "verifier1", displayName: "Ігор Бондар", role: "verifier" },
  { username: "verifier2", displayName: "Тетяна Гнатюк", role: "verifier" },
  { username: "coordinator1", displayName: "Сергій Ткаченко", role: "coordinator" },
  { username: "registrar1", displayName: "Наталія Шевчук", role: "registrar" },
  { username: "rewards1", displayName: "Віктор Кравченко", role: "reward_officer" },
  // Three reward officers: a claim's assessor and its two approvers are three different people.
  { username: "rewards2", displayName: "Галина Савчук", role: "reward_officer" },
  { username: "rewards3", displayName: "Богдан Романюк", role: "reward_officer" },
  { username: "resettle1", displayName: "Оксана Лисенко", role: "resettlement_officer" },
  { username: "supervisor1", displayName: "Юрій Олійник", role: "supervisor" },
];

export const DEMO_PASSWORD = "demo-password-change-me";

/** A signed-in staff member as the commands see one, for loading demo cases through them. */
function demoSession(user: StaffSession["user"], privateKey: Buffer, now: Date): StaffSession {
  return { idHash: Buffer.alloc(32), privateKey, stage: "full", user, createdAt: now, expiresAt: new Date(now.getTime() + 3600_000) };
}

export async function loadDemoData(ctx: AppContext, opts: { cases?: number } = {}): Promise<string> {
  const [{ n } = { n: 0 }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(users);
  if (n > 0) throw new Error("the store already has staff accounts; demo data goes into an empty store only");
  const passwordHash = await hashStaffPassword(ctx.keys, DEMO_PASSWORD);
  const lines = [`Demo staff (password for all: ${DEMO_PASSWORD}); add each TOTP secret to an authenticator app:`];
  const sessions = new Map<string, StaffSession>();
  const admin = await ctx.db.transaction(async (tx) => {
    let adminKey: { id: string; privateKey: Buffer } | null = null;
    for (const s of DEMO_STAFF) {
      const totp = newTotpSecret();
      const [u] = await tx.insert(users).values({ ...s, passwordHash, totpEnabled: true }).returning({ id: users.id });
      await tx.update(users).set({ totpSecretEnc: sealWithServerKey(ctx.keys.subkey("totp"), totp.bytes, totpAd(u!.id)) }).where(sql`${users.id} = ${u!.id}`);
      const keys = await createStaffKeys(tx, ctx.keys, u!.id, DEMO_PASSWORD);
      // The first administrator founds the teams; the second is an ordinary account.
      if (s.role === "admin" && !adminKey) {
        await bootstrapTeams(tx, ctx.keys, u!.id, keys.keyPair.publicKey);
        adminKey = { id: u!.id, privateKey: keys.keyPair.privateKey };
      } else sessions.set(s.username, demoSession({ id: u!.id, ...s }, keys.keyPair.privateKey, ctx.now()));
      const team = DEFAULT_TEAM[s.role];
      if (team) await addTeamMember(tx, team, u!.id, null);
      await appendAudit(tx, ctx.keys.subkey("audit"), { actorId: null, action: "staff.created", subjectType: "staff", subjectId: u!.id, details: { role: s.role, via: "demo" } });
      lines.push(`  ${s.username.padEnd(14)} ${s.role.padEnd(22)} TOTP secret ${totp.base32}   recovery key ${keys.recoveryKey}`);
    }
    return adminKey!;
  });
  // The admin, custodian at the first start, gives each team its founding member; the founders admit the rest.
  await foundTeams(ctx.db, ctx.keys, { userId: admin.id, privateKey: admin.privateKey });
  wipe(admin.privateKey);
  for (const s of sessions.values()) {
    for (const p of await pendingAdmissions(ctx.db, s.user.id)) {
      if (p.mayAdmit) await admitMember(ctx.db, ctx.keys, { userId: s.user.id, privateKey: s.privateKey }, p.teamId as TeamId, p.userId);
    }
  }
  try {
    const count = opts.cases ?? 320;
    if (count > 0) {
      const r = await loadDemoCases(ctx, {
        operators: [sessions.get("operator1")!, sessions.get("operator2")!],
        verifier: sessions.get("verifier1")!,
        verifiers: [sessions.get("verifier1")!, sessions.get("verifier2")!],
        supervisor: sessions.get("supervisor1")!,
        coordinator: sessions.get("coordinator1")!,
        registrar: sessions.get("registrar1")!,
      }, count);
      await loadDemoRetention(ctx, { admin: sessions.get("admin2")!.user, supervisor: sessions.get("supervisor1")!.user });
      const ops = await loadDemoOperations(ctx, sessions.get("coordinator1")!);
      lines.push("", `Demo operations: ${ops}, in every state (planning, scheduled, under way, closed).`);
      lines.push(await loadDemoResettlement(ctx, sessions.get("registrar1")!, sessions.get("resettle1")!));
      lines.push(`Demo reward claims: ${await loadDemoRewards(ctx, sessions.get("registrar1")!, [sessions.get("rewards1")!, sessions.get("rewards2")!, sessions.get("rewards3")!])}, in every state (a helicopter paid $500,000; one secret).`);
      // Last: the rewards and resettlement demos take registered men away from registration's list.
      lines.push(await loadDemoRegistrationStages(ctx, sessions.get("registrar1")!, sessions.get("resettle1")!, r.handedOver, prng(1949)));
      lines.push("", `Demo cases: ${r.cases} requests on every channel (${r.duplicates} from people who wrote twice, ${r.merged} of them merged), in every state of the path; and ${r.handedOver.length} men handed over to registration.`);
    }
    const h = await loadDemoHistory(ctx, sessions.get("supervisor1")!.user.id);
    lines.push(`Numbers: ${h.days} days of earlier first contacts and ${h.events} recorded events for the charts.`);
  } finally {
    for (const s of sessions.values()) wipe(s.privateKey);
  }
  return lines.join("\n");
}
