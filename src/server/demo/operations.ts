import { and, asc, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { StaffSession } from "../auth/sessions.js";
import { cases } from "../db/schema.js";
import { transitionCase } from "../cases/index.js";
import { operationCases, operations } from "../operations/tables.js";
import { planOperation } from "../operations/plan.js";
import { recordConfirmation, recordEscortState, sendInstructions } from "../operations/run.js";
import { closeOperation } from "../operations/close.js";
import { planBodySchema } from "../operations/schema.js";
import { handToRegistration } from "./registrations.js";

/** Places as a coordinator would describe them to a man who navigates by what he sees. */
const SITES = [
  { oblast: "UA-23", raion: "Пологівський", name: "Сектор Роботине-2", lat: 47.4421, lon: 35.8312, place: "у разрушенной водонапорной башни на южной окраине", alt: "у второго столба ЛЭП к востоку от башни" },
  { oblast: "UA-14", raion: "Покровський", name: "Сектор Авдіївка-Північ", lat: 48.1702, lon: 37.7211, place: "у белого ангара с проломанной крышей", alt: "у перекрёстка грунтовок в 300 м к северу" },
  { oblast: "UA-65", raion: "Херсонський", name: "Сектор Кринки", lat: 46.7339, lon: 33.0921, place: "на краю лесополосы у поваленного тополя", alt: "у разбитой остановки на дороге" },
  { oblast: "UA-63", raion: "Куп'янський", name: "Сектор Синьківка", lat: 49.7612, lon: 37.6803, place: "у церкви без купола", alt: "у моста через балку" },
];

/**
 * Demo operations in every state, through the real commands: one being planned, a group of three
 * scheduled with instructions sent and confirmed, one under way with the escort's timeline, and
 * closed ones (handed over, a no-show, an aborted one), whose details are already destroyed.
 * A small demo (`--cases 40`) has few verified cases on the coordinators' desk, so the closed
 * ones go first and the cases of a no-show and of an aborted crossing are planned again (as a
 * coordinator would); when that is still too few, cases the funnel left missed or called off are
 * taken back to planning through the real transition.
 */
export async function loadDemoOperations(ctx: AppContext, coordinator: StaffSession): Promise<number> {
  const onOpen = ctx.db.select({ id: operationCases.caseId }).from(operationCases).innerJoin(operations, eq(operations.id, operationCases.operationId)).where(isNull(operations.closedAt));
  const ready = await ctx.db
    .select({ id: cases.id, state: cases.state })
    .from(cases)
    .where(and(inArray(cases.state, ["verified", "awaiting_deployment", "no_show", "aborted"]), eq(cases.teamId, "coordination"), notInArray(cases.id, onOpen)))
    .orderBy(sql`${cases.state} IN ('no_show', 'aborted')`, asc(cases.createdAt))
    .limit(8);
  const pool = ready.map((r) => r.id);
  const missed = new Set(ready.filter((r) => r.state === "no_show" || r.state === "aborted").map((r) => r.id));
  const take = async (n: number) => {
    const ids: string[] = [];
    while (ids.length < n && pool.length) {
      const id = pool.shift()!;
      if (missed.delete(id)) {
        // A case the planning guard holds back (a re-check due) stays where it is.
        const moved = await transitionCase(ctx, coordinator, id, "planning", "планируем выход заново").then(() => true, () => false);
        if (!moved) continue;
      }
      ids.push(id);
    }
    return ids;
  };
  /** Closed with "planning again": the case is free for the next operation. */
  const giveBack = (ids: string[]) => void pool.unshift(...ids);
  const hour = 3600_000;
  const plan = async (caseIds: string[], inHours: number, site: (typeof SITES)[number], at: AppContext = ctx, equipment: string[] = []) => {
    const start = new Date(at.now().getTime() + inHours * hour);
    const body = planBodySchema.parse({
      caseIds,
      sector: { oblast: site.oblast, raion: site.raion, name: site.name },
      meeting: { lat: site.lat, lon: site.lon, description: site.place },
      alternate: { lat: site.lat + 0.004, lon: site.lon + 0.006, description: site.alt },
      window: { start: start.toISOString(), end: new Date(start.getTime() + 40 * 60_000).toISOString() },
      equipment,
      equipmentNote: caseIds.length > 1 ? "автоматы АК-74М, магазины отдельно" : "",
      unit: { name: "3-тя штурмова, 2 бат.", liaison: "Берест, Signal" },
      escort: { callSign: "Сова-7", contact: "канал 4, Signal", plannedLaunch: new Date(start.getTime() - 15 * 60_000).toISOString() },
    });
    return (await planOperation(at, coordinator, body)).id;
  };
  let made = 0;
  const steps: [number, (ids: string[]) => Promise<void>][] = [
    [1, async (ids) => {
      // A crossing that is over, run on a clock of its own from its planning three hours ago to its
      // close, so that what it leaves behind shows real durations: the escort 42 min, 95 min open.
      let clock = ctx.now().getTime() - 3 * hour;
      const then: AppContext = { ...ctx, now: () => new Date(clock) };
      const id = await plan(ids, 1, SITES[3]!, then, ["tank_sp_artillery"]);
      await sendInstructions(then, coordinator, id);
      clock += 45 * 60_000;
      const escort = [["launched", 0], ["contact_made", 6], ["contact_lost", 9], ["backup_launched", 3], ["escorting", 7], ["handed_over", 17]] as const;
      for (const [s, after] of escort) {
        clock += after * 60_000;
        await recordEscortState(then, coordinator, id, s, "");
      }
      clock += 8 * 60_000;
      await closeOperation(then, coordinator, id, { outcome: "handed_over", reason: "", then: "planning" });
      for (const c of ids) await handToRegistration(ctx, coordinator, c);
    }],
    [1, async (ids) => {
      const id = await plan(ids, 2, SITES[0]!);
      await sendInstructions(ctx, coordinator, id);
      await closeOperation(ctx, coordinator, id, { outcome: "no_show", reason: "не вышел к точке, связи нет", then: "planning" });
      giveBack(ids);
    }],
    [1, async (ids) => {
      const id = await plan(ids, 4, SITES[1]!, ctx, ["military_vehicle"]);
      await closeOperation(ctx, coordinator, id, { outcome: "aborted", reason: "обстрел в секторе", then: "planning" });
      giveBack(ids);
    }],
    [1, async (ids) => {
      const id = await plan(ids, 0.5, SITES[2]!);
      await sendInstructions(ctx, coordinator, id);
      await recordConfirmation(ctx, coordinator, id, ids[0]!);
      for (const s of ["launched", "contact_made", "escorting"] as const) await recordEscortState(ctx, coordinator, id, s, "");
    }],
    [1, async (ids) => void (await plan(ids, 30, SITES[0]!))],
    [3, async (ids) => {
      const id = await plan(ids, 6, SITES[1]!, ctx, ["armoured_vehicle"]);
      await sendInstructions(ctx, coordinator, id);
      for (const c of ids.slice(0, ids.length - 1)) await recordConfirmation(ctx, coordinator, id, c);
    }],
  ];
  for (const [n, run] of steps) {
    // Every state first, one case each; the group gets what is left (two or three).
    const ids = await take(n);
    if (ids.length < Math.min(n, 2)) break;
    await run(ids);
    made++;
  }
  return made;
}
