import type { FastifyReply, FastifyRequest } from "fastify";
import type { BaseApp } from "./base.js";
import { AppError } from "../errors.js";
import type { AppContext } from "../context.js";
import { Slots } from "../crypto/slots.js";

/**
 * Both listeners share one thread (and, embedded, one database thread). In an intake flood the
 * applicant side's requests filled them: an operator's request waited behind dozens of
 * applicant handlers and their queries, its p99 three to four times idle (issue 16), although
 * the Argon2 work and the database queue already gave staff their turn.
 *
 * So the applicant side takes what the staff side leaves: while staff requests are in flight
 * (and for a moment after, since an operator's console sends its requests one after another),
 * at most `whileStaffBusy` applicant requests run their handlers at once; the others wait,
 * parsed and costing nothing, in the order they came. Otherwise up to `otherwise` run at once.
 * A lone applicant is never held back (one runs whatever staff do: GET / while staff search,
 * issue 17); a flood is slowed to the pace the staff side leaves room for. Past `maxWaiting`
 * waiting, an applicant request is told "busy, try again" at once instead of queueing without end.
 */
export interface StaffFirstOptions {
  whileStaffBusy: number;
  otherwise: number;
  maxWaiting: number;
  /** How long after the last staff request the applicant side keeps to `whileStaffBusy`. */
  graceMs: number;
}

export const STAFF_FIRST_DEFAULTS: StaffFirstOptions = { whileStaffBusy: 1, otherwise: 64, maxWaiting: 256, graceMs: 50 };

export class StaffFirst {
  private staffInFlight = 0;
  private quiet: NodeJS.Timeout | null = null;
  private readonly slots: Slots;

  constructor(private readonly opts: StaffFirstOptions = STAFF_FIRST_DEFAULTS) {
    this.slots = new Slots(opts.otherwise, opts.maxWaiting);
  }

  /** For the tests: applicant requests running and waiting, the limit now, and staff requests in flight. */
  load(): { running: number; waiting: number; limit: number; staffInFlight: number } {
    return { ...this.slots.load(), staffInFlight: this.staffInFlight };
  }

  /** The staff listener's first hook: count the request in until its response is closed. */
  readonly staffHook = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    this.staffInFlight++;
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = null;
    this.slots.setLimit(this.opts.whileStaffBusy);
    reply.raw.once("close", () => this.staffEnded());
    done();
  };

  /**
   * The public listener's hook before the handler: wait for a slot, held until the response is
   * closed (sent, or the client went away). A full queue is a 503 with Retry-After, which the
   * public error handler answers as a page in the applicant's language.
   */
  readonly publicHook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // Listened for before the wait: an applicant who hangs up while queued frees his slot as soon as he gets it.
    let closed = false;
    let release: (() => void) | null = null;
    reply.raw.once("close", () => {
      closed = true;
      release?.();
    });
    try {
      // An AppError for the error shape, with the statusCode the public pages' handler reads.
      release = await this.slots.acquire(() => Object.assign(new AppError("unavailable", "busy just now, try again in a moment"), { statusCode: 503 }));
    } catch (err) {
      void reply.header("Retry-After", "5");
      throw err;
    }
    if (closed) release();
  };

  private staffEnded(): void {
    this.staffInFlight--;
    if (this.staffInFlight > 0) return;
    this.quiet = setTimeout(() => {
      this.quiet = null;
      if (this.staffInFlight === 0) this.slots.setLimit(this.opts.otherwise);
    }, this.opts.graceMs);
    this.quiet.unref();
  }
}

const byContext = new WeakMap<AppContext, StaffFirst>();

/** The one StaffFirst of a context's two listeners. */
export function staffFirstFor(ctx: AppContext): StaffFirst {
  let s = byContext.get(ctx);
  if (!s) byContext.set(ctx, (s = new StaffFirst()));
  return s;
}

/** Puts a listener's side of StaffFirst in place; on the public side the health checks never wait. */
export function applyStaffFirst(app: BaseApp, first: StaffFirst, side: "staff" | "public"): void {
  if (side === "staff") app.addHook("onRequest", first.staffHook);
  else
    app.addHook("preHandler", async (req, reply) => {
      const url = req.routeOptions.url;
      if (url === "/healthz" || url === "/readyz") return;
      await first.publicHook(req, reply);
    });
}
