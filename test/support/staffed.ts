import { buildPublicApp, buildStaffApp } from "../../src/server/app.js";
import { recordIntake, type IntakeInput } from "../../src/server/cases/index.js";
import type { AppContext } from "../../src/server/context.js";
import type { BaseApp } from "../../src/server/http/base.js";
import type { Role } from "../../src/shared/roles.js";
import { freshContext } from "./store.js";
import { advancingClock, createFirstAdmin, createStaff, type StaffClient } from "./staff.js";

export interface StaffedStore<S extends string> {
  ctx: AppContext;
  dataDir: string;
  clock: ReturnType<typeof advancingClock>;
  app: BaseApp;
  /** The public listener, when asked for (`publicApp: true`). */
  publicApp: BaseApp | null;
  admin: StaffClient;
  /** The staff asked for, by username, each signed in and admitted to his default team. */
  staff: Record<S, StaffClient>;
  close(): Promise<void>;
}

/**
 * A fresh store (PGlite or PostgreSQL, as the project runs), the staff app, the first
 * administrator and the staff a test names, all through the real set-up, enrolment and four-eyes
 * admission over HTTP: what a dozen test files used to repeat in their `beforeAll`.
 */
export async function staffedStore<S extends string = never>(
  opts: {
    staff?: Record<S, Role>;
    publicApp?: boolean;
    env?: Record<string, string>;
    /** the day the store lives on (recorded updates are dated) */
    startAt?: Date;
    /** what a test checks while nobody is set up yet (the hotline is closed until the first administrator) */
    beforeStaff?: (s: { ctx: AppContext; app: BaseApp; publicApp: BaseApp | null }) => Promise<void>;
  } = {},
): Promise<StaffedStore<S>> {
  const { ctx, cleanup, dataDir } = await freshContext(opts.env);
  const clock = advancingClock(ctx);
  if (opts.startAt) clock.tick(opts.startAt.getTime() - clock.now().getTime());
  const app = await buildStaffApp(ctx);
  const publicApp = opts.publicApp ? await buildPublicApp(ctx) : null;
  await opts.beforeStaff?.({ ctx, app, publicApp });
  const admin = await createFirstAdmin(app, ctx, clock);
  const staff = {} as Record<S, StaffClient>;
  for (const [username, role] of Object.entries(opts.staff ?? {}) as [S, Role][]) staff[username] = await createStaff(app, ctx, admin, role, username, clock);
  return {
    ctx,
    dataDir,
    clock,
    app,
    publicApp,
    admin,
    staff,
    close: async () => {
      await app.close();
      await publicApp?.close();
      await cleanup();
    },
  };
}

/** A web request recorded as intake records it, with a name and phone as identity and index; fields may be overridden. */
export function webCase(ctx: AppContext, o: Partial<Pick<IntakeInput, "sections" | "identifiers" | "message" | "channel">> & { name?: string; phone?: string; receipt?: boolean } = {}) {
  const name = o.name ?? "Зайцев Павел";
  const phone = o.phone ?? "+7 911 222-33-44";
  return recordIntake(ctx, {
    channel: o.channel ?? "web",
    sections: o.sections ?? { identity: { name }, contact: { phone } },
    message: o.message ?? "Помогите",
    identifiers: o.identifiers ?? { name, phone },
    ...(o.receipt ? { receipt: "digits" as const } : {}),
  });
}
