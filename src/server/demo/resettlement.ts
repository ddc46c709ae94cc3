import { and, asc, eq, inArray } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { cases } from "../db/schema.js";
import { assignCase } from "../cases/index.js";
import { addGuarantee, addMember, addStep, updateTask } from "../resettlement/index.js";
import { guaranteeBody, memberBody, stepBody } from "../../shared/api/resettlement.js";
import type { Guarantee } from "../../shared/resettlement.js";

/** Families as a resettlement officer would write them down: who, where, how to reach them, and the way out. */
const FAMILIES = [
  {
    guarantees: ["secrecy", "documents", "third_country"] as Guarantee[],
    members: [
      { name: "Зайцева Мария Ивановна", relation: "мать", whereabouts: "Курск, у соседки", contact: "через двоюродного брата в Тбилиси, Signal", consent: true, steps: ["Выезд в Грузию через Верхний Ларс", "Встреча с представителем в Тбилиси", "Перелёт в Киев"] },
      { name: "Зайцев Андрей Петрович", relation: "отец", whereabouts: "Курск", contact: "только через мать", consent: false, steps: ["Разговор о согласии через мать"] },
    ],
  },
  {
    guarantees: ["secrecy", "stay_in_ukraine"] as Guarantee[],
    members: [{ name: "Волкова Анна Сергеевна", relation: "жена", whereabouts: "Ростов-на-Дону, съёмная квартира", contact: "Telegram жены, номер у куратора", consent: true, steps: ["Выезд в Казахстан автобусом", "Документы в посольстве Украины в Астане"] }],
  },
  {
    guarantees: ["documents", "stay_in_ukraine"] as Guarantee[],
    members: [{ name: "Петрова Ольга Николаевна", relation: "сестра", whereabouts: "Белгород", contact: "WhatsApp сестры", consent: true, steps: ["Выезд через Латвию", "Встреча в Варшаве"] }],
  },
];

const day = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Families in relocation, through the real commands: registered prisoners (and, in a small demo,
 * closed cases of registration) are assigned to the
 * resettlement officer (by the registrar, whose cases they are), who records the guarantees he
 * asked for and his family with their relocation steps, some overdue, some under way, some done.
 */
export async function loadDemoResettlement(ctx: AppContext, registrar: StaffSession, officer: StaffSession): Promise<string> {
  const pool = await ctx.db.select({ id: cases.id }).from(cases).where(and(inArray(cases.state, ["registered_pow", "closed"]), eq(cases.teamId, "registration"))).orderBy(asc(cases.state)).limit(FAMILIES.length);
  const now = ctx.now();
  let members = 0;
  // Steps take turns at open, done and under way, so even a small demo with one family shows each.
  let steps = 0;
  for (const [i, { id }] of pool.entries()) {
    const f = FAMILIES[i]!;
    await assignCase(ctx, registrar, id, { userId: officer.user.id });
    for (const [j, kind] of f.guarantees.entries()) {
      await addGuarantee(ctx, officer, id, guaranteeBody.parse({ kind, dueOn: day(now, j * 10 - 3 + i), notes: j === 0 ? "Обсуждено с ним лично; подтверждено письменно." : "" }));
    }
    for (const m of f.members) {
      const { steps: plan, ...who } = m;
      const { id: memberId } = await addMember(ctx, officer, id, memberBody.parse(who));
      members++;
      for (const [k, step] of plan.entries()) {
        const { id: taskId } = await addStep(ctx, officer, id, memberId, stepBody.parse({ step, dueOn: day(now, k * 7 - 2 + i * 3), notes: "" }));
        const turn = steps++ % 3;
        if (turn > 0) await updateTask(ctx, officer, id, taskId, { state: turn === 1 ? "done" : "in_progress" });
      }
    }
  }
  return `Resettlement: ${pool.length} files with their guarantees and ${members} family members in relocation, some steps overdue.`;
}
