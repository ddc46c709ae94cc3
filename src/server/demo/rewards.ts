import { and, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { assignCase } from "../cases/index.js";
import { cases } from "../db/schema.js";
import { approveClaim, assessClaim, changeClaim, createClaim, recordPayment, rejectClaim, addOfficer } from "../rewards/index.js";

const day = (ctx: AppContext, offsetDays: number) => new Date(ctx.now().getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Demo claims in every state, through the commands: the registrar sends registered prisoners'
 * cases to the rewards team; one officer assesses, two others approve; the pilot's helicopter is
 * paid in full ($500,000), as the law paid the pilot who flew a Mi-8 over.
 */
export async function loadDemoRewards(ctx: AppContext, registrar: StaffSession, [a, b, c]: [StaffSession, StaffSession, StaffSession]): Promise<number> {
  const ready = await ctx.db.select({ id: cases.id }).from(cases).where(and(inArray(cases.state, ["registered_pow", "closed"]), eq(cases.teamId, "registration"))).limit(4);
  if (!ready.length) return 0;
  for (const r of ready) await assignCase(ctx, registrar, r.id, { teamId: "rewards", userId: null });
  // With few demo cases one man may have brought several machines: the claims are per machine.
  const ids = ready.map((r) => r.id);
  const [pilot, crew, other] = [ids[0]!, ids[1] ?? ids[0]!, ids[2] ?? ids[0]!];
  const claim = async (caseId: string, equipmentCode: string, serial: string, o: { secret?: boolean; serviceability?: "serviceable" | "partly" | "not_serviceable" } = {}) => {
    const { id } = await createClaim(ctx, a, { caseId, equipmentCode, handedOverOn: day(ctx, -12), identifying: { serialNumber: serial, description: "прибыл своим ходом" }, secret: o.secret ?? false });
    await changeClaim(ctx, a, id, { inspection: { serviceability: o.serviceability ?? "serviceable", inspectedOn: day(ctx, -10), findings: "осмотрен инженерной группой" } });
    return id;
  };
  const approved = async (id: string, amount?: number, reason?: string) => {
    await assessClaim(ctx, a, id, { amount, reason });
    await approveClaim(ctx, b, id);
    await approveClaim(ctx, c, id);
  };
  const heli = await claim(pilot, "combat_helicopter", "Ми-8АМТШ бортовой 59489617");
  await approved(heli);
  await recordPayment(ctx, c, heli, { amountCents: 50_000_000, method: "bank_transfer", reference: "ПД-2026-0001", payee: { name: "отримувач за довіреністю", account: "UA00 0000 0000 0000 0000 0000 000" } });
  const tank = await claim(crew, "tank_sp_artillery", "Т-72Б3 № 8ЖТ1127");
  await approved(tank);
  await recordPayment(ctx, c, tank, { amountCents: 4_000_000, method: "bank_transfer", reference: "ПД-2026-0002", payee: { name: "перший транш" } });
  const mlrs = await claim(other, "mlrs", "БМ-21 «Град» № 4411");
  await assessClaim(ctx, a, mlrs, { amount: 30_000, reason: "пакет направляющих исправен, без прицела" });
  await approveClaim(ctx, b, mlrs);
  await assessClaim(ctx, a, await claim(other, "armoured_vehicle", "БМП-2 № 2217"), {});
  await claim(crew, "military_vehicle", "КамАЗ-5350 Н 417 ОР 50");
  const wreck = await claim(other, "armoured_vehicle", "БТР-82А № 0903", { serviceability: "not_serviceable" });
  await rejectClaim(ctx, b, wreck, "двигатель и трансмиссия уничтожены, машина не на ходу");
  const secret = await claim(pilot, "combat_aircraft", "Су-25 бортовой 07", { secret: true });
  await addOfficer(ctx, a, secret, b.user.id);
  await addOfficer(ctx, a, secret, c.user.id);
  return 7;
}
